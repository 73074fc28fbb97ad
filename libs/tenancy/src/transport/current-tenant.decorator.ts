import { createParamDecorator } from '@nestjs/common';
import { getCurrentTenant } from '../context/tenant-store.js';

/** Handler parameter: the tenant resolved for this request (`undefined` on an optional or bypass route without one). */
export const CurrentTenant = createParamDecorator((_data: unknown): string | undefined => getCurrentTenant());
