import { DataSource } from 'typeorm';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import { hasTenantScopedEntities } from '../typeorm/tenant-metadata.js';

const WAIT_MS = 15_000;
let gate: Promise<void> | undefined;
let open: (() => void) | undefined;
let patched = false;

/**
 * With forRootAsync the strategy is known only once the options factory has
 * run, possibly after TypeOrmModule has built its DataSource. A startup
 * `synchronize` of a DataSource with tenant entities waits for that decision,
 * so that the schema strategy keeps tenant tables out of the shared schema.
 */
export function holdSynchronizeUntilOptions(apply: (dataSource: DataSource) => void): void {
  if (!gate || !open) gate = new Promise<void>((resolve) => (open = resolve));
  if (patched) return;
  patched = true;
  const proto = DataSource.prototype as unknown as { synchronize(...args: unknown[]): Promise<void> };
  const synchronize = proto.synchronize;
  proto.synchronize = async function (this: DataSource, ...args: unknown[]) {
    if (open && gate && hasTenantScopedEntities(this)) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new TenancyConfigurationError(
                'forRootAsync',
                `options were not resolved within ${WAIT_MS / 1000} s of TypeORM's synchronize. A useFactory that depends on the DataSource cannot decide its strategy; use TenancyModule.forRoot or TypeORM synchronize: false.`,
              ),
            ),
          WAIT_MS,
        );
      });
      try {
        await Promise.race([gate, timeout]);
      } finally {
        clearTimeout(timer);
      }
      apply(this);
    }
    return synchronize.apply(this, args);
  };
}

export function releaseSynchronize(): void {
  open?.();
  open = undefined;
}
