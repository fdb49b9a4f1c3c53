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
bench_ready

rate=${1:-5000}
. bench/accept-lib.sh cpu
start_kafka

measure() { # name
  bench/cpu-per-request.sh "${@:2}" | tee "$work/$1.txt" >&2
}

# After each server its keys are deleted, so that each one writes into the same, nearly empty Redis (a store holding
# the last server's jobs makes every write dearer).
start_ref_accept
measure ref-accept "$ref_pid" "$kafka_pid" "http://127.0.0.1:$ref_port" "$rate"
stop_gracefully "$ref_pid" ref-accept
delete_redis_keys "$run"

gateway() { # name jar
  start_gateway "$2"
  measure "$1" "$gateway_pid" "$kafka_pid" "http://127.0.0.1:$gateway_port" "$rate" "$key"
  stop_gracefully "$gateway_pid" gateway
  delete_redis_keys "$run"
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
