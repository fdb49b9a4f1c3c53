#!/usr/bin/env bash
# The distributed mode as separate processes: a Kafka broker (`offload kafka`), two gateways and two workers
# (`offload gateway|worker --config`), sharing the local Redis. Submits jobs across both gateways with curl and checks
# that every one succeeds, then stops everything with SIGTERM. Needs Redis on 127.0.0.1:6379 (or OFFLOAD_STORE_REDIS_URI).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
[ -f standalone/target/offload.jar ] || ./mvnw -B -q -DskipTests package

jobs_to_submit=${1:-200}
work=$(mktemp -d)
key="smoke-distributed-key-0123456789"
run="smoke-$RANDOM$RANDOM"
pids=()
# The work directory is removed after a passing run and kept after a failing one, for its logs.
cleanup() {
  local status=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  delete_redis_keys "$run"
  if [ "$status" = 0 ]; then rm -rf "$work"; else echo "smoke-distributed: logs kept in $work" >&2; fi
}
trap cleanup EXIT

cat >"$work/offload.yaml" <<EOF
store:
  type: redis
  redis:
    uri: ${OFFLOAD_STORE_REDIS_URI:-redis://127.0.0.1:6379}
    keyPrefix: $run
transport:
  queues: [default]
  kafka:
    bootstrapServers: 127.0.0.1:19092
    topicPrefix: $run.jobs.
    groupId: $run
    partitions: 4
gateway:
  apiKeys:
    $key: smoke
worker:
  concurrency: 32
EOF

launch() { # name, then arguments for offload.jar, with extra environment variables before them
  local name=$1; shift
  env "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
}
jar=(java -jar standalone/target/offload.jar)
launch kafka "${jar[@]}" kafka --port 19092 --data-dir "$work/kafka"
for _ in $(seq 1 60); do grep -q "Kafka broker listening" "$work/kafka.log" && break; sleep 1; done
grep -q "Kafka broker listening" "$work/kafka.log" || { cat "$work/kafka.log"; echo "Kafka did not start" >&2; exit 1; }
declare -A pid_of
for i in 1 2; do
  launch "gateway-$i" OFFLOAD_GATEWAY_PORT=$((18090 + i)) OFFLOAD_MANAGEMENT_PORT=$((19190 + i)) \
    "${jar[@]}" gateway --config "$work/offload.yaml"
  pid_of[gateway-$i]=${pids[-1]}
  launch "worker-$i" OFFLOAD_MANAGEMENT_PORT=$((19192 + i)) "${jar[@]}" worker --config "$work/offload.yaml"
  pid_of[worker-$i]=${pids[-1]}
done
for i in 1 2; do
  await_ready $((19190 + i)) "${pid_of[gateway-$i]}" "$work/gateway-$i.log" "gateway-$i"
  await_ready $((19192 + i)) "${pid_of[worker-$i]}" "$work/worker-$i.log" "worker-$i"
done
echo "kafka, 2 gateways and 2 workers are ready; submitting $jobs_to_submit jobs"

ids=()
for i in $(seq 1 "$jobs_to_submit"); do
  port=$((18091 + i % 2))
  body=$(curl -fsS -X POST "http://127.0.0.1:$port/v1/jobs" -H "Authorization: Bearer $key" \
    -H 'Content-Type: application/json' -d "{\"type\":\"demo.echo\",\"payload\":{\"n\":$i}}")
  ids+=("$(printf '%s' "$body" | sed -E 's/.*"id":"([0-9A-Z]{26})".*/\1/')")
done

failed=0
for i in "${!ids[@]}"; do
  port=$((18091 + i % 2))   # read through the other gateway than the one that accepted the job
  doc=""
  for _ in $(seq 1 6); do
    doc=$(curl -fsS "http://127.0.0.1:$port/v1/jobs/${ids[$i]}?wait=10" -H "Authorization: Bearer $key")
    case "$doc" in *'"state":"succeeded"'*) break ;; esac
  done
  case "$doc" in
    *'"state":"succeeded"'*"\"result\":{\"n\":$((i + 1))}"*) ;;
    *) failed=$((failed + 1)); echo "job ${ids[$i]} did not succeed with its payload: $doc" >&2 ;;
  esac
done

# Gateways and workers first (workers commit their offsets on the way out), the broker last.
for ((n = ${#pids[@]} - 1; n >= 0; n--)); do stop_gracefully "${pids[$n]}" "process ${pids[$n]}" || failed=$((failed + 1)); done
pids=()
if [ "$failed" -ne 0 ]; then
  tail -n 30 "$work"/*.log
  echo "smoke-distributed: $failed of $jobs_to_submit jobs failed" >&2
  exit 1
fi
echo "smoke-distributed: $jobs_to_submit jobs across 2 gateways and 2 workers, all succeeded"
