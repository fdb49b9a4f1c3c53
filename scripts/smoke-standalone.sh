#!/usr/bin/env bash
# Starts the standalone jar as the README says, submits a demo job with curl, long-polls it to success, checks a
# restart still shows it, and stops the process with SIGTERM. Exits non-zero on any deviation.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
[ -f standalone/target/offload.jar ] || ./mvnw -B -q -DskipTests package

data=$(mktemp -d)
key="smoke-test-key-0123456789"
port=18080 mport=19090
log=$data/offload.log
pid=""
# The data directory is removed after a passing run and kept after a failing one, for its log.
cleanup() {
  local status=$?
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ "$status" = 0 ]; then rm -rf "$data"; else echo "smoke: data and log kept in $data" >&2; fi
}
trap cleanup EXIT

start() {
  java -jar standalone/target/offload.jar standalone --port $port --management-port $mport \
    --data-dir "$data/state" --api-key "$key" >"$log" 2>&1 &
  pid=$!
  await_ready $mport "$pid" "$log" standalone
}
stop() {
  stop_gracefully "$pid" standalone || exit 1
  pid=""
}

start
submit=$(curl -fsS -X POST "http://127.0.0.1:$port/v1/jobs" -H "Authorization: Bearer $key" \
  -H 'Content-Type: application/json' -d '{"type":"demo.sleep","payload":{"ms":500}}')
id=$(printf '%s' "$submit" | sed -E 's/.*"id":"([0-9A-Z]{26})".*/\1/')
echo "submitted job $id"
final=$(curl -fsS "http://127.0.0.1:$port/v1/jobs/$id?wait=20" -H "Authorization: Bearer $key")
for _ in $(seq 1 20); do
  case "$final" in *'"state":"succeeded"'*) break ;; esac
  final=$(curl -fsS "http://127.0.0.1:$port/v1/jobs/$id?wait=5" -H "Authorization: Bearer $key")
done
case "$final" in *'"state":"succeeded"'*) echo "job $id succeeded: $final" ;; *) cat "$log"; echo "job did not succeed: $final" >&2; exit 1 ;; esac
stop

start
again=$(curl -fsS "http://127.0.0.1:$port/v1/jobs/$id" -H "Authorization: Bearer $key")
case "$again" in *'"state":"succeeded"'*) echo "after a restart the job is still there: succeeded" ;; *) echo "job lost after restart: $again" >&2; exit 1 ;; esac
stop
echo "smoke: 1 passed, 0 failed"
