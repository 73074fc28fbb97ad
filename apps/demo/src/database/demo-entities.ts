import { Organization } from '../organizations/organization.entity.js';
import { Product } from '../products/product.entity.js';
import { Project } from '../projects/project.entity.js';

export const DEMO_ENTITIES = [Organization, Project, Product];
