import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childJson } from './child-json.js';
import type { LoadConfig, LoadResult } from './load.js';

const here = dirname(fileURLToPath(import.meta.url));

/** One autocannon run in a second process (load.js); the config goes through a file (tokens make it long). */
export async function runLoad(configFile: string, config: LoadConfig): Promise<LoadResult> {
  await writeFile(configFile, JSON.stringify(config));
  const result = await childJson<LoadResult>(join(here, 'load.js'), [configFile]);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`load on ${config.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result;
}
