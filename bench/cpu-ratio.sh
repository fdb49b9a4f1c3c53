#!/usr/bin/env bash
# CPU per accepted request of Offload's gateway against ref-accept, process by process, in one run: where the accept
# path's cost goes, and what a change saved.
#
#   bench/cpu-ratio.sh [RATE]         ref-accept, then an Offload gateway alone, each at RATE/s (default 5000)
#   BASELINE_JAR=/tmp/old/standalone/target/offload.jar bench/cpu-ratio.sh
#                                     also another build's gateway (a change's before/after)
#
# Starts a Kafka broker of its own, then each server in turn against it and the local Redis, and runs
# bench/cpu-per-request.sh (40 s warm-up, 20 s measured) against each. RATE must be below every server's capacity
# (bench/accept-ratio.sh finds it), or the figures compare servers that did different amounts of work. Prints one
# table; about 4 minutes, 5 with a baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PATH=/usr/lib/jvm/temurin-25-jdk-amd64/bin:$PATH
fi
[ -f standalone/target/offload.jar ] && [ -f bench/target/offload-bench.jar ] || ./mvnw -B -q -DskipTests package

rate=${1:-5000}
work=$(mktemp -d)
run="cpu-$RANDOM$RANDOM"
key="bench-key-0123456789abcdef"
kafka_port=19392 gateway_port=18380 gateway_mgmt=19380 ref_port=18382
redis_uri=${OFFLOAD_STORE_REDIS_URI:-redis://127.0.0.1:6379}
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  OFFLOAD_STORE_REDIS_URI=$redis_uri delete_redis_keys "$run"
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/offload.yaml" <<YAML
store:
  type: redis
  redis:
    uri: $redis_uri
    keyPrefix: $run
transport:
  queues: [default]
  kafka:
    bootstrapServers: 127.0.0.1:$kafka_port
    topicPrefix: $run.jobs.
    groupId: $run
    partitions: 4
gateway:
  apiKeys:
    $key: bench
jobs:
  defaultRetention: 1h
YAML

java -jar standalone/target/offload.jar kafka --port $kafka_port --data-dir "$work/kafka" >"$work/kafka.log" 2>&1 &
kafka=$!
pids+=("$kafka")
for _ in $(seq 1 90); do grep -qs "Kafka broker listening" "$work/kafka.log" && break; sleep 1; done

measure() { # name
  bench/cpu-per-request.sh "${@:2}" | tee "$work/$1.txt" >&2
}

java -XX:+UseParallelGC -Xms256m -Xmx1g -jar bench/target/offload-bench.jar ref-accept --port $ref_port \
  --bootstrap 127.0.0.1:$kafka_port --topic "$run.ref-accept" --key-prefix "$run-ref" --redis "$redis_uri" \
  >"$work/ref-accept.log" 2>&1 &
ref=$!
for _ in $(seq 1 60); do grep -qs "listening" "$work/ref-accept.log" && break; sleep 1; done
measure ref-accept "$ref" "$kafka" "http://127.0.0.1:$ref_port" "$rate"
stop_gracefully "$ref" ref-accept

gateway() { # name jar
  OFFLOAD_GATEWAY_PORT=$gateway_port OFFLOAD_MANAGEMENT_PORT=$gateway_mgmt \
    java -Xmx256m -jar "$2" gateway --config "$work/offload.yaml" >"$work/gateway.log" 2>&1 &
  local pid=$!
  await_ready $gateway_mgmt "$pid" "$work/gateway.log" gateway
  measure "$1" "$pid" "$kafka" "http://127.0.0.1:$gateway_port" "$rate" "$key"
  stop_gracefully "$pid" gateway
}
gateway offload standalone/target/offload.jar
[ -z "${BASELINE_JAR:-}" ] || gateway baseline "$BASELINE_JAR"

python3 - "$work" "$rate" <<'PY'
import pathlib, re, sys
work, rate = pathlib.Path(sys.argv[1]), sys.argv[2]
runs = {}
for name in ("ref-accept", "offload", "baseline"):
    f = work / f"{name}.txt"
    if f.exists():
        text = f.read_text()
        runs[name] = {m[0]: float(m[1]) for m in re.findall(r"^\s+(\w+)\s+([\d.]+)$", text, re.M)}
        runs[name]["ok/s"] = float(re.search(r": ([\d.]+) ok/s", text)[1])
for r in runs.values():
    r["total"] = r["server"] + r["redis"] + r["kafka"]
cols = list(runs)
print(f"\nms of CPU per accepted request at {rate}/s (generator excluded from the total)\n")
print("| process | " + " | ".join(cols) + " | offload / ref-accept |" + (" offload / baseline |" if "baseline" in runs else ""))
print("|---" * (len(cols) + 2 + ("baseline" in runs)) + "|")
for p in ("ok/s", "server", "redis", "kafka", "total", "generator"):
    row = f"| {p} | " + " | ".join(f"{runs[c][p]:.3f}" if p != "ok/s" else f"{runs[c][p]:.0f}" for c in cols)
    ratio = lambda a, b: f"{runs[a][p] / runs[b][p]:.2f}×" if runs[b][p] else "-"
    row += f" | {ratio('offload', 'ref-accept')} |" if p != "ok/s" else " | |"
    if "baseline" in runs:
        row += f" {ratio('offload', 'baseline')} |" if p != "ok/s" else " |"
    print(row)
PY
