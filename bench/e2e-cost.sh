#!/usr/bin/env bash
# Where an end-to-end job's cost goes: milliseconds of CPU per job of every process (gateway, worker, Kafka, Redis and
# the generator) and Redis commands per job, at one or more rates, in one run.
#
#   bench/e2e-cost.sh                  at 300, 700 and 1000 jobs/s (about 3 minutes per rate)
#   bench/e2e-cost.sh 500              at one rate
#   BASELINE_JAR=/tmp/old/standalone/target/offload.jar bench/e2e-cost.sh 700
#                                      also another build, right after this one at each rate (a change's before/after)
#   WARMUP=120 bench/e2e-cost.sh 1000  a longer ramp before the measured 25 s (seconds; 60 by default)
#
# Starts a Kafka broker of its own, then for each rate a gateway (heap capped at 256 MiB) and a worker against it and
# the local Redis, runs the e2e scenario (WARMUP s ramp, 25 s measured, every job checked) and reads each process's CPU
# time (/proc/<pid>/stat) and Redis's command counts (INFO commandstats, which also counts the commands inside our Lua
# scripts) over 20 s of the measured time. CPU per job falls as the rate rises, because a process woken for one
# request at a time pays the wake-up for each; compare builds at the same rate. The Redis counts do not depend on the
# machine's noise, so they show a saved round trip that CPU figures cannot.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
bench_ready
command -v redis-cli >/dev/null || { echo "e2e-cost.sh needs redis-cli (apt-get install redis-tools)" >&2; exit 1; }

rates=("$@")
warmup=${WARMUP:-60}
[[ $warmup =~ ^[0-9]+$ ]] || { echo "WARMUP must be a whole number of seconds, but was '$warmup'" >&2; exit 2; }
[ $# -gt 0 ] || rates=(300 700 1000)
. bench/accept-lib.sh e2ecost
start_kafka
redis=$(pgrep -x redis-server | head -n 1 || echo 0)
ticks=$(getconf CLK_TCK)
cpu() { [ -r "/proc/$1/stat" ] && sed -E 's/^[0-9]+ \(.*\) //' "/proc/$1/stat" | awk '{ print $12 + $13 }' || echo 0; }
worker_mgmt=$((gateway_mgmt + 1))

measure() { # name jar rate
  local name=$1 jar=$2 rate=$3 generator worker_pid
  start_gateway "$jar"
  OFFLOAD_MANAGEMENT_PORT=$worker_mgmt java -Xmx512m -jar "$jar" worker --config "$work/offload.yaml" \
    >"$work/worker.log" 2>&1 &
  worker_pid=$!
  pids+=("$worker_pid")
  await_ready $worker_mgmt "$worker_pid" "$work/worker.log" worker
  "${bench[@]}" e2e --target "http://127.0.0.1:$gateway_port" --api-key "$key" --rate "$rate" \
    --warmup "${warmup}s" --ramp --duration 25s --name "$name-$rate" --results "$work/results" \
    >"$work/$name-$rate.out" 2>&1 &
  generator=$!
  sleep $((warmup + 3)) # the generator's start and its warm-up
  local -A before after
  for p in gateway_pid worker_pid kafka_pid redis generator; do before[$p]=$(cpu "${!p}"); done
  redis-cli -u "$redis_uri" info commandstats >"$work/commands-before"
  sleep 20
  for p in gateway_pid worker_pid kafka_pid redis generator; do after[$p]=$(cpu "${!p}"); done
  redis-cli -u "$redis_uri" info commandstats >"$work/commands-after"
  wait "$generator" || { cat "$work/$name-$rate.out" >&2; echo "the e2e run of $name at $rate/s failed" >&2; exit 1; }
  stop_gracefully "$worker_pid" worker
  stop_gracefully "$gateway_pid" gateway
  {
    echo "name $name"
    echo "rate $rate"
    awk '/throughput \(ok\)/ { print "ok", $3 } /latency p50 / { print "p50", $3 } /latency p99 / { print "p99", $3 }
      /latency p99.9 / { print "p999", $3 } /jobs succeeded/ { print "succeeded", $3 " of " $5 }' \
      "$work/$name-$rate.out"
    for p in gateway_pid worker_pid kafka_pid redis generator; do
      echo "cpu_${p%_pid} $((after[$p] - before[$p]))"
    done
    sed -nE 's/^cmdstat_([a-z|]+):calls=([0-9]+).*/before_\1 \2/p' "$work/commands-before" | tr -d '\r'
    sed -nE 's/^cmdstat_([a-z|]+):calls=([0-9]+).*/after_\1 \2/p' "$work/commands-after" | tr -d '\r'
  } >"$work/$name-$rate.cost"
}

for rate in "${rates[@]}"; do
  measure offload standalone/target/offload.jar "$rate"
  [ -z "${BASELINE_JAR:-}" ] || measure baseline "$BASELINE_JAR" "$rate"
done

python3 - "$work" "$ticks" <<'PY'
import pathlib, sys
work, ticks = pathlib.Path(sys.argv[1]), int(sys.argv[2])
runs = []
for f in sorted(work.glob("*.cost"), key=lambda p: (int(p.stem.rsplit("-", 1)[1]), p.stem)):
    d = dict(line.split(" ", 1) for line in f.read_text().splitlines() if " " in line)
    ok = float(d["ok"])
    jobs = ok * 20
    row = {"run": f'{d["name"]} at {d["rate"]}/s', "ok/s": f"{ok:.0f}", "p50 ms": d["p50"], "p99 ms": d["p99"],
           "p99.9 ms": d["p999"], "jobs succeeded": d["succeeded"]}
    total = 0.0
    for p in ("gateway", "worker", "kafka", "redis", "generator"):
        ms = int(d[f"cpu_{p}"]) / ticks * 1000 / jobs
        total += ms
        row[p] = f"{ms:.3f}"
    row["all"] = f"{total:.3f}"
    calls = {k[6:]: int(v) - int(d.get("before_" + k[6:], 0)) for k, v in d.items() if k.startswith("after_")}
    row["redis cmds"] = f"{sum(calls.values()) / jobs:.2f}"
    row["_calls"] = {k: v / jobs for k, v in calls.items() if v > 0}
    runs.append(row)
cols = [c for c in runs[0] if not c.startswith("_")]
print("\nms of CPU per job by process (the generator included in 'all'), and Redis commands per job\n")
print("| " + " | ".join(cols) + " |")
print("|---" * len(cols) + "|")
for r in runs:
    print("| " + " | ".join(r[c] for c in cols) + " |")
print("\nRedis commands per job (those inside Lua scripts included; evalsha is the scripts' own count)\n")
names = sorted({k for r in runs for k in r["_calls"]}, key=lambda k: -max(r["_calls"].get(k, 0) for r in runs))
print("| command | " + " | ".join(r["run"] for r in runs) + " |")
print("|---" * (len(runs) + 1) + "|")
for k in names:
    if max(r["_calls"].get(k, 0) for r in runs) >= 0.01:
        print(f"| {k} | " + " | ".join(f'{r["_calls"].get(k, 0):.2f}' for r in runs) + " |")
PY
