#!/usr/bin/env bash
# Fuzzes the live embedded API against its own OpenAPI document (/docs/json) with schemathesis, all
# checks on: every response must match what the document promises (status, content type, headers,
# body). schemathesis is pinned and installed from PyPI into .cache/schemathesis (git-ignored).
# The server is started on a free loopback port, waited for on /health, and stopped at the end.
# Arguments go to `schemathesis run` (e.g. --max-examples 200 for a longer run).
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.0
venv="$PWD/.cache/schemathesis"
node="$PWD/node_modules/.bin/node"

if [[ "$("$venv/bin/pip" show schemathesis 2>/dev/null | sed -n 's/^Version: //p')" != "$SCHEMATHESIS_VERSION" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

npx tsc -b services/api
port="$("$node" -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")"
base="http://127.0.0.1:$port"
log="$(mktemp)"
# node directly (not npm start): the pid below is the server's, so stopping it stops the server.
HOST=127.0.0.1 PORT="$port" LOG_LEVEL=warn "$node" services/api/dist/embedded.js >"$log" 2>&1 &
server=$!
stop() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -f "$log"
}
trap stop EXIT

for _ in $(seq 1 100); do
  if "$node" -e "fetch('$base/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; then
    break
  fi
  sleep 0.2
done

# --max-examples keeps the run to a couple of minutes on a 2-core machine. One worker: with two,
# hypothesis parses lambdas on two threads and CPython 3.11 fails with "AST constructor recursion
# depth mismatch" (a runtime error of the tool, not a finding). The seed makes a run repeatable.
root="$PWD"
status=0
# Run from the venv: schemathesis keeps its own cache (.schemathesis/) in the working directory.
(cd "$venv" && bin/schemathesis --config-file "$root/scripts/schemathesis.toml" run "$base/docs/json" \
  --checks all \
  --workers 1 \
  --max-examples 100 \
  --request-timeout 30 \
  --seed "${SCHEMATHESIS_SEED:-1}" \
  --no-color \
  "$@") || status=$?
if [[ $status -ne 0 ]]; then
  echo "--- server log (warn and above) ---"
  cat "$log"
fi
exit "$status"
