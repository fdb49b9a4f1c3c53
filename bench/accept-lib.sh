# Shared by accept-ratio.sh and cpu-ratio.sh (sourced from the repository root, after scripts/lib.sh): a Kafka broker
# of the run's own, the local Redis, and the two servers they compare on the accept path, an Offload gateway alone
# (no worker, heap fixed at 256 MiB) and `ref-accept`. Everything the run writes carries the prefix $run, which the
# exit trap removes from Redis along with the work directory and every process started here.
#
# Defines: run work key redis_uri kafka_port gateway_port gateway_mgmt ref_port bench pids, and the functions below.
run="${1:?accept-lib.sh: name the run}-$RANDOM$RANDOM"
work=$(mktemp -d)
key="bench-key-0123456789abcdef"
kafka_port=19392 gateway_port=18380 gateway_mgmt=19380 ref_port=18382
redis_uri=${OFFLOAD_STORE_REDIS_URI:-redis://127.0.0.1:6379}
bench=(java -XX:+UseParallelGC -Xms256m -Xmx1g -jar bench/target/offload-bench.jar)
pids=()
cleanup() {
  stop_all "${pids[@]}"
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

# start_kafka: the broker as its own process; sets kafka_pid.
start_kafka() {
  java -jar standalone/target/offload.jar kafka --port $kafka_port --data-dir "$work/kafka" >"$work/kafka.log" 2>&1 &
  kafka_pid=$!
  pids+=("$kafka_pid")
  for _ in $(seq 1 90); do grep -qs "Kafka broker listening" "$work/kafka.log" && return 0; sleep 1; done
  cat "$work/kafka.log" >&2; echo "the Kafka broker did not start" >&2; exit 1
}

# start_ref_accept: ref-accept on $ref_port against the broker and Redis; sets ref_pid.
start_ref_accept() {
  "${bench[@]}" ref-accept --port $ref_port --bootstrap 127.0.0.1:$kafka_port --topic "$run.ref-accept" \
    --key-prefix "$run-ref" --redis "$redis_uri" >"$work/ref-accept.log" 2>&1 &
  ref_pid=$!
  pids+=("$ref_pid")
  for _ in $(seq 1 60); do grep -qs "listening" "$work/ref-accept.log" && return 0; sleep 1; done
  cat "$work/ref-accept.log" >&2; echo "ref-accept did not start" >&2; exit 1
}

# start_gateway JAR: that build's gateway alone on $gateway_port, ready; sets gateway_pid.
start_gateway() {
  OFFLOAD_GATEWAY_PORT=$gateway_port OFFLOAD_MANAGEMENT_PORT=$gateway_mgmt \
    java -Xms256m -Xmx256m -jar "$1" gateway --config "$work/offload.yaml" >"$work/gateway.log" 2>&1 &
  gateway_pid=$!
  pids+=("$gateway_pid")
  await_ready $gateway_mgmt "$gateway_pid" "$work/gateway.log" gateway
}
