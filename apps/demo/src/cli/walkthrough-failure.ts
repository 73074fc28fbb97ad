/** A step of the walk-through did not turn out as documented: the demo exits 1. */
export class WalkthroughFailure extends Error {
  override readonly name = 'WalkthroughFailure';
}
