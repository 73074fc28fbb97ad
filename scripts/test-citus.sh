#!/usr/bin/env bash
# npm run test:citus: starts a Citus cluster (coordinator + 2 workers on
# loopback) with the shared tool, runs the Citus suites against the
# coordinator, then stops the cluster. The tool builds Citus once per machine.
# CITUS_CLUSTER_SCRIPT overrides the tool's path (default: ../shared/citus/
# citus-cluster.sh from the repo root, where CI's clone finds it).
set -euo pipefail
cd "$(dirname "$0")/.."
CLUSTER="${CITUS_CLUSTER_SCRIPT:-../shared/citus/citus-cluster.sh}"
DIR="${CITUS_CLUSTER_DIR:-/tmp/tenancy-citus-test}"
PORT="${CITUS_CLUSTER_PORT:-9750}"
if [ ! -f "$CLUSTER" ]; then
  echo "test:citus: no Citus cluster tool at $CLUSTER; set CITUS_CLUSTER_SCRIPT" >&2
  exit 1
fi
bash "$CLUSTER" build >&2
trap 'bash "$CLUSTER" stop --dir "$DIR" >&2' EXIT
URL="$(bash "$CLUSTER" start --workers 2 --port "$PORT" --dir "$DIR" | tail -1)"
TEST_CITUS=1 TEST_POSTGRES_URL="$URL" npx vitest run --config vitest.citus.config.ts "$@"
