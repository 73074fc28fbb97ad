/** What `@TenantScoped()` recorded for one entity class. */
export interface TenantScopedEntityOptions {
  /** Property holding the tenant id on the entity. */
  property: string;
  /** Database column name. */
  column: string;
  length: number;
}

const scopedClasses = new WeakMap<object, TenantScopedEntityOptions>();

export function registerTenantScoped(target: object, options: TenantScopedEntityOptions): void {
  scopedClasses.set(target, options);
}

/**
 * Options of the nearest scoped class in the prototype chain: an entity that
 * extends a scoped base class inherits its tenant column, so it is scoped too.
 */
export function findTenantScoped(target: unknown): TenantScopedEntityOptions | undefined {
  let current: unknown = target;
  while (typeof current === 'function') {
    const options = scopedClasses.get(current);
    if (options) return options;
    current = Object.getPrototypeOf(current);
  }
  return undefined;
}
