// The testing entry point (`nestjs-tenancy/testing`): internals a test suite may
// need to set up a case without Nest. Not for applications; everything else
// comes from the public barrel (`nestjs-tenancy`).
export { registerDataSourceTenancy, type DataSourceTenancyOptions } from './typeorm/tenancy-data-source.registry.js';
