#!/usr/bin/env bash
# Runs one scenario against a running Offload (or a reference server):
#   bench/run.sh submit   --target http://127.0.0.1:8080 --api-key KEY --rate 1000 --duration 30s --warmup 5s
#   bench/run.sh e2e      --target … --api-key KEY --rate 500
#   bench/run.sh poll     --target … --api-key KEY --rate 2000 --jobs 100
#   bench/run.sh longpoll --target … --api-key KEY --clients 2000 --rate 500 --sleep-min 2s --sleep-spread 3s
# Results go to bench/results/<scenario>-<timestamp>.json and .html; `bench/run.sh <scenario> --help` lists options.
# Exit status: 0 passed, 1 a submitted job was lost or did not succeed, 2 bad options, 3 errors with --fail-on-errors.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PATH=/usr/lib/jvm/temurin-25-jdk-amd64/bin:$PATH
fi
[ -f bench/target/offload-bench.jar ] || ./mvnw -B -q -DskipTests package
[ $# -ge 1 ] || { echo "usage: bench/run.sh <submit|e2e|poll|longpoll|ref-http|ref-accept|ref-kafka> [options]" >&2; exit 2; }
exec java -XX:+UseParallelGC -Xms256m -Xmx1g -jar bench/target/offload-bench.jar "$@"
