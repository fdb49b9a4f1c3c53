#!/usr/bin/env bash
# Offload's durable accept path against the minimal one (`ref-accept`: Vert.x, one Redis SET, one Kafka send with
# acks=all, 202), interleaved, so that both meet the same machine: issue #3's main ratio in one command.
#
#   bench/accept-ratio.sh            2 rounds (30–60 minutes with the check of every accepted job; 3 rounds with
#                                    a baseline took 89 minutes on a fast machine)
#   ROUNDS=3 bench/accept-ratio.sh   more rounds; the median ratio is reported
#   BASELINE_JAR=/tmp/old/standalone/target/offload.jar bench/accept-ratio.sh
#                                    also runs another build's gateway in every round (a change's before/after)
#
# Each round runs a staircase of open-loop rates (BENCH_STEPS) against ref-accept and against an Offload gateway
# alone (heap capped at 256 MiB, no worker on the cores, like ref-accept has no consumer), in alternating order so
# that a drift of the machine does not favour one side. A step is sustained when at least 97 % of the offered rate
# succeeded, nothing failed and p99 stayed under BENCH_SUSTAIN_P99 ms; a step that is not is measured once more
# (BENCH_STEP_RETRIES) before the staircase ends, so that one noisy second does not end it. Each gateway staircase's
# jobs are checked right after it: a worker runs them all and every one must have succeeded (none lost). Then the
# run's Redis keys are deleted, ref-accept's after each of its staircases too, so that every staircase starts on
# the same, nearly empty Redis: a store holding millions of earlier jobs makes each write dearer (larger sorted sets,
# more memory), and without this the later staircases of a run paid for the earlier ones.
# Writes bench/results/accept-ratio-<stamp>/ with every staircase and summary.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
bench_ready

rounds=${ROUNDS:-2}
steps=${BENCH_STEPS:-1000,2000,3000,4000,5000,6000,7000,8000,10000,12000,14000}
# 256 connections, not the generator's default 64: without pipelining a connection carries one request at a time, so
# 64 capped the rate at 64 / latency, and the staircase found the rate at which a server's latency reached 64 / rate
# (Offload stopped at 8,000/s with 12-18 % of the cores idle) rather than the throughput it can sustain.
staircase=(--steps "$steps" --duration "${BENCH_DURATION:-10s}" --warmup "${BENCH_WARMUP:-40s}" --ramp
  --step-settle "${BENCH_SETTLE:-3s}" --sustain-p99 "${BENCH_SUSTAIN_P99:-250}" --step-retries "${BENCH_STEP_RETRIES:-1}"
  --connections "${BENCH_CONNECTIONS:-256}")
out=bench/results/accept-ratio-$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$out"
. bench/accept-lib.sh ratio
start_kafka

ref_accept() { # round
  start_ref_accept
  "${bench[@]}" submit --target http://127.0.0.1:$ref_port --path / --no-verify "${staircase[@]}" \
    --name "ref-accept-$1" --results "$out" >/dev/null
  stop_gracefully "$ref_pid" ref-accept
  delete_redis_keys "$run-ref"
}
gateway_staircase() { # name jar round
  start_gateway "$2"
  # The gateway alone, no worker on the cores while it is measured (ref-accept has no consumer either).
  "${bench[@]}" submit --target http://127.0.0.1:$gateway_port --api-key "$key" "${staircase[@]}" \
    --defer-verify "$work/$1-$3.ids" --name "$1-$3" --results "$out" >/dev/null
  verify_accepted "$2" "$work/$1-$3.ids"
  stop_gracefully "$gateway_pid" gateway
  delete_redis_keys "$run"
}
# verify_accepted JAR IDS: a worker of that build runs the staircase's jobs; each must succeed, or the run fails.
verify_accepted() {
  if [ "${VERIFY:-1}" = 0 ]; then
    echo "VERIFY=0: the accepted jobs were NOT checked; do not report these figures" >&2
    return 0
  fi
  OFFLOAD_MANAGEMENT_PORT=$((gateway_mgmt + 1)) \
    java -Xmx512m -jar "$1" worker --config "$work/offload.yaml" >"$work/worker.log" 2>&1 &
  local worker=$!
  pids+=("$worker")
  echo "verifying $(wc -l <"$2") accepted jobs (a worker runs them first)" >&2
  "${bench[@]}" verify --target http://127.0.0.1:$gateway_port --api-key "$key" --ids "$2" --patience 30m \
    | tee -a "$out/verification.txt" >&2
  stop_gracefully "$worker" worker
}
offload() { gateway_staircase offload standalone/target/offload.jar "$1"; }
baseline() { [ -z "${BASELINE_JAR:-}" ] || gateway_staircase baseline "$BASELINE_JAR" "$1"; }

for round in $(seq 1 "$rounds"); do
  echo "--- round $round of $rounds" >&2
  # Each side goes first in turn, so that a drift of the machine favours none.
  case $((round % 3)) in
    1) ref_accept "$round"; offload "$round"; baseline "$round" ;;
    2) offload "$round"; baseline "$round"; ref_accept "$round" ;;
    0) baseline "$round"; ref_accept "$round"; offload "$round" ;;
  esac
done

python3 - "$out" "$rounds" "${BASELINE_JAR:-}" <<'PY'
import json, pathlib, statistics, sys
out, rounds = pathlib.Path(sys.argv[1]), int(sys.argv[2])
cap = {json.loads(f.read_text())["scenario"]: json.loads(f.read_text()) for f in out.glob("*-capacity-*.json")}
def top(c):
    s = [x for x in c["steps"] if x["sustained"]]
    return s[-1] if s else None
def cell(c):
    t = top(c)
    stopped = c["steps"][-1] if c["steps"] and not c["steps"][-1]["sustained"] else None
    limit = f'next: {stopped["offeredRate"]:.0f}/s {stopped["reason"]}' if stopped else "top step (limit not found)"
    return f'{c["sustainedRate"]:.0f}/s' + (f' (p99 {t["p99Ms"]:.0f} ms)' if t else "") + f"; {limit}"
rows, ratios, gains = [], [], []
for r in range(1, rounds + 1):
    ref, off, base = cap.get(f"ref-accept-{r}"), cap.get(f"offload-{r}"), cap.get(f"baseline-{r}")
    if not ref or not off:
        continue
    ratio = off["sustainedRate"] / ref["sustainedRate"] if ref["sustainedRate"] else 0
    ratios.append(ratio)
    row = f"| {r} | {cell(ref)} | {cell(off)} | {ratio:.2f} |"
    if base:
        # A baseline that sustained no step has no ratio; it stays out of the median (the table shows it).
        if base["sustainedRate"]:
            gain = off["sustainedRate"] / base["sustainedRate"]
            gains.append(gain)
            row += f" {cell(base)} | {gain:.2f} |"
        else:
            row += f" {cell(base)} | n/a |"
    rows.append(row)
head, rule = "| round | ref-accept sustained | Offload sustained | ratio |", "|---|---|---|---|"
if any(cap.get(f"baseline-{r}") for r in range(1, rounds + 1)):
    head, rule = head + " baseline sustained | Offload / baseline |", rule + "---|---|"
md = ["# Accept path: Offload / ref-accept, interleaved", "", head, rule, *rows, "",
      f"Median ratio: **{statistics.median(ratios):.2f}** over {len(ratios)} rounds." if ratios else "No complete round."]
if gains:
    md.append(f"Median Offload / baseline ({sys.argv[3]}): **{statistics.median(gains):.2f}** over {len(gains)} rounds"
              " in which the baseline sustained a step.")
(out / "summary.md").write_text("\n".join(md) + "\n")
print("\n".join(md))
PY
