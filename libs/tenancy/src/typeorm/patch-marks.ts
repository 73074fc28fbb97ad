/**
 * Which of this library's patches a TypeORM prototype carries. Module-local,
 * not a registered symbol: a prototype patched by another copy of the library
 * (with its own entity registry) does not count as patched by this one.
 */
const marks = new WeakMap<object, Set<string>>();

export function markPatched(prototype: object, patch: string): void {
  const set = marks.get(prototype) ?? new Set<string>();
  set.add(patch);
  marks.set(prototype, set);
}

/** The patches on the prototype chain of an object the DataSource handed out. */
export function patchesOf(instance: object): Set<string> {
  const found = new Set<string>();
  for (let proto: object | null = Object.getPrototypeOf(instance); proto; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const patch of marks.get(proto) ?? []) found.add(patch);
  }
  return found;
}
