#!/usr/bin/env bash
# CPU time per request of every process on the path, at one rate below capacity: where the accept path's cost goes.
#
#   bench/cpu-per-request.sh SERVER_PID KAFKA_PID URL RATE [API_KEY]
#
# Runs `submit` against URL at RATE (40 s warm-up, 20 s measured, 256 connections or $BENCH_CONNECTIONS; with API_KEY
# it posts jobs to /v1/jobs, without it posts to /, as the reference servers want) and reads the CPU time (utime +
# stime, /proc/<pid>/stat) of the server, the local redis-server, the Kafka broker and the generator at the start and
# the end of the measured 20 s. Prints milliseconds of CPU per successful request for each. Run it once against a
# gateway alone and once against `ref-accept` (bench/run.sh ref-accept …) at the same rate to compare them.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 4 ] || { sed -n 2,10p "$0"; exit 2; }
server=$1 kafka=$2 url=$3 rate=$4 key=${5:-}
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PATH=/usr/lib/jvm/temurin-25-jdk-amd64/bin:$PATH
fi
redis=$(pgrep -x redis-server | head -n 1 || echo 0)
ticks=$(getconf CLK_TCK)
cpu() { [ -r "/proc/$1/stat" ] && sed -E 's/^[0-9]+ \(.*\) //' "/proc/$1/stat" | awk '{ print $12 + $13 }' || echo 0; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# The generator runs 2 s past the sampled 20 s, so that it is still alive when it is sampled the second time.
# 256 connections, as accept-ratio.sh's staircases use: a connection carries one request at a time, so a server that
# answers a few milliseconds later needs more of them to be offered the same rate (64 cap 10,000/s at 6.4 ms).
args=(submit --target "$url" --rate "$rate" --duration 22s --warmup 40s --no-verify --results bench/results
  --connections "${BENCH_CONNECTIONS:-256}")
if [ -n "$key" ]; then args+=(--api-key "$key"); else args+=(--path /); fi
java -XX:+UseParallelGC -Xms256m -Xmx1g -jar bench/target/offload-bench.jar "${args[@]}" >"$out" 2>/dev/null &
generator=$!
sleep 41 # the generator's JVM start, then the warm-up
declare -A before
for name in server redis kafka generator; do before[$name]=$(cpu "${!name}"); done
sleep 20
declare -A after
for name in server redis kafka generator; do after[$name]=$(cpu "${!name}"); done
wait "$generator" || true
ok=$(awk '/throughput \(ok\)/ { print $3 }' "$out")
echo "$url at $rate/s: $ok ok/s; ms of CPU per request over the measured 20 s:"
for name in server redis kafka generator; do
  awk -v n="$name" -v d=$((after[$name] - before[$name])) -v t="$ticks" -v r="$ok" \
    'BEGIN { printf "  %-10s %.3f\n", n, d / t * 1000 / (r * 20) }'
done
