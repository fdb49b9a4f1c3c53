#!/usr/bin/env python3
"""Combines the results of one bench/suite.sh run into summary.json and summary.md.

Usage: bench/summarize.py RESULTS_DIR MODE. Reads every scenario's JSON, usage.tsv (phase, process, CPU seconds
in the phase, VmRSS and VmHWM in KiB at its end) and exit-codes.tsv, all written by bench/suite.sh.
"""
import json
import os
import platform
import pathlib
import sys

out = pathlib.Path(sys.argv[1])
mode = sys.argv[2] if len(sys.argv) > 2 else "full"

runs = {}        # single runs by scenario
capacities = {}  # capacity searches (staircases) by scenario
steps = {}       # the staircases' step reports by "scenario@rate"
for f in sorted(out.glob("*.json")):
    if f.name == "summary.json":
        continue
    data = json.loads(f.read_text())
    if "-capacity-" in f.name:
        capacities[data["scenario"]] = data
    elif "@" in data["scenario"]:
        steps[data["scenario"]] = data
    else:
        runs[data["scenario"]] = data


def throughput(name):
    """The capacity found by a staircase, else a single run's ok/s, else the raw producer's records/s."""
    if name in capacities:
        return capacities[name]["sustainedRate"]
    r = runs.get(name)
    if r is None:
        return None
    if name == "ref-kafka":
        return r["result"]["recordsPerSecond"]
    return r["totals"]["succeededPerSecond"]


usage = []
if (out / "usage.tsv").exists():
    for line in (out / "usage.tsv").read_text().splitlines():
        phase, process, cpu, rss, hwm = line.split("\t")
        usage.append({"phase": phase, "process": process, "cpuSeconds": float(cpu),
                      "rssMiB": round(int(rss) / 1024, 1), "hwmMiB": round(int(hwm) / 1024, 1)})
exit_codes = {}
if (out / "exit-codes.tsv").exists():
    for line in (out / "exit-codes.tsv").read_text().splitlines():
        phase, rc = line.split("\t")
        exit_codes[phase] = int(rc)

submit = throughput("submit")
ratios = {}
for ceiling in ("ref-http", "ref-accept", "ref-kafka"):
    c = throughput(ceiling)
    if submit is not None and c:
        ratios[f"submit/{ceiling}"] = round(submit / c, 3)
if throughput("ref-accept") and throughput("ref-http"):
    ratios["ref-accept/ref-http"] = round(throughput("ref-accept") / throughput("ref-http"), 3)
if throughput("rabbit-submit") and submit:
    ratios["rabbit-submit/submit"] = round(throughput("rabbit-submit") / submit, 3)
if throughput("rabbit-e2e") and throughput("e2e"):
    ratios["rabbit-e2e/e2e"] = round(throughput("rabbit-e2e") / throughput("e2e"), 3)

HEAP_CAPS_MIB = {"gateway": 256, "worker": 512}  # the -Xmx bench/suite.sh gives each process
heaps = {}
for process, cap in HEAP_CAPS_MIB.items():
    f = out / f"{process}-heap.tsv"
    if f.exists():
        used = [int(line.split("\t")[1]) for line in f.read_text().splitlines() if "\t" in line]
        if used:
            heaps[process] = {"samples": len(used), "maxUsedMiB": round(max(used) / 1024, 1), "capMiB": cap}

ORDER = ["ref-kafka", "ref-http", "ref-accept", "submit", "e2e", "poll", "longpoll", "rabbit-submit", "rabbit-e2e"]


def order(name):
    return ORDER.index(name) if name in ORDER else len(ORDER)


capacity_rows = []
for name, c in sorted(capacities.items(), key=lambda kv: order(kv[0])):
    v = c.get("verification")
    capacity_rows.append({
        "scenario": name, "sustainedRate": c["sustainedRate"], "steps": c["steps"],
        "jobs": None if v is None else f'{v["succeeded"]}/{v["submitted"]}', "exit": exit_codes.get(name)})

scenarios = []
for name, r in sorted(runs.items(), key=lambda kv: order(kv[0])):
    if "result" in r:
        scenarios.append({"scenario": name, "throughput": round(throughput(name), 1), "unit": "records/s",
                          "failed": r["result"]["failed"], "exit": exit_codes.get(name)})
        continue
    v = r.get("verification")
    scenarios.append({
        "scenario": name, "unit": "ok/s", "offered": round(r["totals"]["sentPerSecond"], 1),
        "throughput": round(r["totals"]["succeededPerSecond"], 1),
        "latencyMs": r["latencyMs"], "errors": r["errors"], "peakInFlight": r["totals"]["peakOutstanding"],
        "jobs": None if v is None else f'{v["succeeded"]}/{v["submitted"]}',
        "exit": exit_codes.get(name)})

summary = {"mode": mode, "cores": os.cpu_count(), "machine": platform.platform(), "ratios": ratios,
           "capacities": capacity_rows, "scenarios": scenarios, "heaps": heaps, "usage": usage,
           "exitCodes": exit_codes}
(out / "summary.json").write_text(json.dumps(summary, indent=2))

md = [f"# Offload bench suite ({mode})", "", f"{os.cpu_count()} cores, {platform.platform()}; load generator, broker, Redis, "
      "gateway and worker share them.", "", "## Ratios (same run, same machine)", "", "| ratio | value |", "|---|---|"]
md += [f"| {k} | {v:.3f} |" for k, v in ratios.items()]
md += ["", "Ratios of capacities: each system's highest sustained rate in its staircase (see below).", "",
       "## Capacities (staircases of open-loop rates, one generator process each)", "",
       "| scenario | sustained /s | steps: offered → ok/s, p50 / p99 ms | jobs succeeded | exit |", "|---|---|---|---|---|"]
for c in capacity_rows:
    stair = "<br>".join(f'{s["offeredRate"]:.0f} → {s["okPerSecond"]:.0f}, {s["p50Ms"]:.1f} / {s["p99Ms"]:.1f}'
                        f'{"" if s["sustained"] else " (" + s["reason"] + ")"}' for s in c["steps"])
    md.append(f'| {c["scenario"]} | {c["sustainedRate"]:.0f} | {stair} | {c["jobs"] or "–"} | {c["exit"]} |')
for process, heap in heaps.items():
    md += ["", f'{process.capitalize()} heap (run with -Xmx{heap["capMiB"]}m, sampled each second by jstat): at most '
               f'{heap["maxUsedMiB"]} MiB in use over {heap["samples"]} samples.']
phase_rows = [(name, r) for name, r in sorted(steps.items(), key=lambda kv: (order(kv[0].split("@")[0]),
                                                                          float(kv[0].split("@")[1])))
              if r.get("phasesMs")]
if phase_rows:
    md += ["", "## Where end-to-end latency goes (p50 / p99 ms per phase, each step)", "",
           "| step | accept (submit → 202) | queued (created → started) | run (started → finished) | "
           "notify (finished → seen) |", "|---|---|---|---|---|"]
    for name, r in phase_rows:
        cells = [f'{r["phasesMs"][k]["p50"]:.1f} / {r["phasesMs"][k]["p99"]:.1f}' if k in r["phasesMs"] else "–"
                 for k in ("accept", "queued", "run", "notify")]
        md.append(f'| {name} | ' + " | ".join(cells) + " |")
md += ["", "## Single-rate scenarios", "",
       "| scenario | offered/s | throughput | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | peak in flight | errors | jobs succeeded | exit |",
       "|---|---|---|---|---|---|---|---|---|---|---|---|"]
for s in scenarios:
    if s["scenario"] == "ref-kafka":
        md.append(f'| ref-kafka | – | {s["throughput"]:.0f} records/s | | | | | | | {s["failed"]} | | {s["exit"]} |')
        continue
    p = s["latencyMs"]
    errors = ", ".join(f"{k}={v}" for k, v in s["errors"].items()) or "0"
    md.append(f'| {s["scenario"]} | {s["offered"]:.0f} | {s["throughput"]:.0f} ok/s | {p["p50"]:.2f} | {p["p90"]:.2f} | '
              f'{p["p99"]:.2f} | {p["p99.9"]:.2f} | {p["max"]:.2f} | {s["peakInFlight"]} | {errors} | {s["jobs"] or "–"} | {s["exit"]} |')
md += ["", "Latency of `longpoll` is the wake-up delay (job finishedAt → response seen); of `e2e`, intended submit → "
       "succeeded seen; of the others, intended send → response. Throughput under overload is the completion rate; "
       "`over-bound` counts operations that were due while the in-flight bound was reached.",
       "", "## CPU time and resident memory per phase", "",
       "| phase | process | CPU s in phase | RSS MiB at end | peak RSS (VmHWM) MiB |", "|---|---|---|---|---|"]
md += [f'| {u["phase"]} | {u["process"]} | {u["cpuSeconds"]:.2f} | {u["rssMiB"]} | {u["hwmMiB"]} |' for u in usage]
md += ["", "The load generator's own CPU and memory are in each scenario's JSON (`generator`)."]
(out / "summary.md").write_text("\n".join(md) + "\n")
print("\n".join(md))
