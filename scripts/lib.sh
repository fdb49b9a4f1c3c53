# Shell helpers shared by the scripts that start Offload processes. Source it: . "$(dirname "$0")/lib.sh"

# await_ready MANAGEMENT_PORT PID LOGFILE NAME: wait up to 90 s for /health/ready; fail early if the process died.
await_ready() {
  local port=$1 pid=$2 log=$3 name=$4
  for _ in $(seq 1 90); do
    curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "$name exited during start-up" >&2; exit 1; }
    sleep 1
  done
  cat "$log"; echo "$name did not become ready in 90 s" >&2; exit 1
}

# stop_gracefully PID NAME: SIGTERM, then wait up to 60 s for a clean exit; returns 1 if it is still running.
stop_gracefully() {
  local pid=$1 name=$2
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
  echo "$name did not stop within 60 s of SIGTERM" >&2
  return 1
}

# stop_all PID...: SIGTERM to every process, then wait up to 60 s in all for each to exit. For exit traps: a process
# still shutting down may write to Redis after the run's keys were deleted, leaving them behind.
stop_all() {
  local pid alive
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 60); do
    alive=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && return 0
    sleep 1
  done
  echo "some of the processes $* did not stop within 60 s of SIGTERM" >&2
}

# delete_redis_keys PREFIX: removes the keys a script's run wrote under its own prefix (needs redis-cli; the local
# Redis or OFFLOAD_STORE_REDIS_URI). Runs share one Redis, and job records are kept for days otherwise.
delete_redis_keys() {
  local prefix=$1
  [ -n "$prefix" ] || return 0
  command -v redis-cli >/dev/null || return 0
  redis-cli -u "${OFFLOAD_STORE_REDIS_URI:-redis://127.0.0.1:6379}" --scan --pattern "$prefix*" \
    | xargs -r -n 500 redis-cli -u "${OFFLOAD_STORE_REDIS_URI:-redis://127.0.0.1:6379}" unlink >/dev/null || true
}

# rabbitmq_vhost NAME: creates a vhost of its own for a script's run on the local broker (guest may use it) and prints
# its amqp:// URI; deleting the vhost later removes every queue and exchange the run declared. Without rabbitmqctl
# (a remote broker), prints OFFLOAD_TRANSPORT_RABBITMQ_URI or the local default vhost's URI and creates nothing.
rabbitmq_vhost() {
  local name=$1
  if [ -z "${OFFLOAD_TRANSPORT_RABBITMQ_URI:-}" ] && command -v rabbitmqctl >/dev/null \
    && rabbitmqctl -q add_vhost "$name" >/dev/null 2>&1 \
    && rabbitmqctl -q set_permissions -p "$name" guest '.*' '.*' '.*' >/dev/null 2>&1; then
    echo "amqp://guest:guest@127.0.0.1:5672/$name"
  else
    echo "${OFFLOAD_TRANSPORT_RABBITMQ_URI:-amqp://guest:guest@127.0.0.1:5672}"
  fi
}

# delete_rabbitmq_vhost NAME: removes a vhost made by rabbitmq_vhost, with everything in it (no-op if absent).
delete_rabbitmq_vhost() {
  command -v rabbitmqctl >/dev/null || return 0
  rabbitmqctl -q list_vhosts 2>/dev/null | grep -qx "$1" || return 0
  rabbitmqctl -q delete_vhost "$1" >/dev/null 2>&1 || true
}

# bench_ready: what the bench scripts need before they start anything: a JDK 25 from its usual place when JAVA_HOME
# is unset, and the gateway's and the generator's jars (built when missing). Run from the repository root.
bench_ready() {
  if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
    export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PATH=/usr/lib/jvm/temurin-25-jdk-amd64/bin:$PATH
  fi
  [ -f standalone/target/offload.jar ] && [ -f bench/target/offload-bench.jar ] || ./mvnw -B -q -DskipTests package
}
