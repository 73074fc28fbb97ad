/**
 * Runs `total` tasks with at most `concurrency` in flight, in index order:
 * the load shape of N clients each sending its next request as soon as the
 * previous one is answered.
 */
export async function runBounded<T>(total: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(total);
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return results;
}
