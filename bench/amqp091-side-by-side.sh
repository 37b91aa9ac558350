#!/usr/bin/env bash
# AMQP 0-9-1 side by side: FerryMQ against RabbitMQ (Debian's rabbitmq-server 3.10), each broker pinned to its own
# core and the clients to the others, with two kinds of load, alternately per round:
#   - the load generator's AMQP 0-9-1 scenarios (amqp091-queue-*, the RabbitMQ Java client), with its latency
#     and integrity checks; compared by 'ferrymq-bench compare';
#   - RabbitMQ PerfTest 2.22.1 (com.rabbitmq.perf.PerfTest), transient and persistent with publisher confirms;
#     compared on PerfTest's "receiving rate avg".
# At the end: the median per scenario and broker and ratio lines such as "perftest-10x10: ferrymq/rabbitmq = 2.1".
#
#   bench/amqp091-side-by-side.sh                                        # 3 rounds of 30 s per scenario and broker
#   bench/amqp091-side-by-side.sh --rounds 1 --duration 5s --warmup 2s   # a quick check that everything runs
#   bench/amqp091-side-by-side.sh --scenarios perftest-10x10,amqp091-queue-1x1 --broker-cpu 1
#
# Options:
#   --scenarios LIST   comma-separated (default: all): amqp091-queue-1x1, amqp091-queue-1x1-persistent,
#                      amqp091-queue-10x10, amqp091-queue-10x10-persistent (load generator), perftest-10x10,
#                      perftest-10x10-persistent (PerfTest)
#   --broker-cpu N     the core the broker under test is pinned to (default 0); clients get the others
#   --no-pin           run without taskset
#   --rounds N, --duration D, --warmup D, --out DIR, --no-install, --no-build, --dist DIR: as in side-by-side.sh
#                      (PerfTest has no warm-up: it runs warm-up + duration, and its average covers all of it)
#
# Broker settings. Each runs its packaged defaults plus only what the comparison needs:
#   all        listen on 127.0.0.1 only: FerryMQ 5872, RabbitMQ 45872; guest/guest over SASL PLAIN; a fresh data
#              directory for every run; pinned with 'taskset -c BROKER_CPU' (the JVM and Erlang size their thread
#              pools and schedulers to the one core they may use); the clients pinned to the remaining cores.
#   FerryMQ    the amqp091 listener alone, heap -Xms512m -Xmx2g (as in the other side-by-side scripts).
#   RabbitMQ   Debian's 3.10 server as its own node (ferrybench@localhost, data in the work directory), no plugins.
# PerfTest runs (1 KiB messages, -s 1024):
#   perftest-10x10             -x 10 -y 10 -u perftest.transient: 10 producers, 10 consumers on one shared queue
#                              (acking each message, no prefetch limit: PerfTest's defaults), transient messages
#   perftest-10x10-persistent  the same on a durable queue (PerfTest declares it durable with -f persistent) with
#                              -f persistent -c 100: persistent messages, publisher confirms, 100 unconfirmed at most
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH_DIR")"
CACHE="${FERRYMQ_BENCH_CACHE:-$HOME/.cache/ferrymq-bench}"
WORK="$BENCH_DIR/target/amqp091-side-by-side"
PERF_TEST_VERSION=2.22.1

SCENARIOS="amqp091-queue-1x1 amqp091-queue-1x1-persistent amqp091-queue-10x10 amqp091-queue-10x10-persistent perftest-10x10 perftest-10x10-persistent"
ROUNDS=3
DURATION=30s
WARMUP=5s
OUT=""
INSTALL=1
BUILD=1
DIST=""
BROKER_CPU=0
PIN=1

log() { echo "[amqp091-side-by-side $(date +%H:%M:%S)] $*" >&2; }
# shellcheck source=lib/side-by-side-common.sh
. "$BENCH_DIR/lib/side-by-side-common.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --scenarios) SCENARIOS="${2//,/ }"; shift 2 ;;
    --broker-cpu) BROKER_CPU="${2:?--broker-cpu needs a core number}"; shift 2 ;;
    --no-pin) PIN=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) common_option "$@"
       [ "$OPTION_ARGS" -gt 0 ] || { echo "amqp091-side-by-side: unknown option $1 (see --help)" >&2; exit 2; }
       shift "$OPTION_ARGS" ;;
  esac
done

BROKERS="ferrymq rabbitmq"
declare -A PORT=([ferrymq]=5872 [rabbitmq]=45872)

if [ "$PIN" = 1 ]; then
  command -v taskset >/dev/null || { echo "amqp091-side-by-side: taskset (util-linux) is needed, or --no-pin" >&2; exit 1; }
  CORES=$(nproc)
  [ "$CORES" -ge 2 ] || { echo "amqp091-side-by-side: needs 2 cores to pin broker and clients apart (or --no-pin)" >&2; exit 1; }
  CLIENT_CPUS=$(seq 0 $((CORES - 1)) | grep -vx "$BROKER_CPU" | paste -sd, -)
  BROKER_TASKSET="taskset -c $BROKER_CPU"
  CLIENT_TASKSET="taskset -c $CLIENT_CPUS"
else
  BROKER_TASKSET=""
  CLIENT_TASKSET=""
fi

# Seconds in a duration such as 30s, 2m or 500ms (whole seconds, at least 1).
seconds() {
  local d=$1
  case "$d" in
    *ms) echo $(( (${d%ms} + 999) / 1000 )) ;;
    *s) echo "${d%s}" ;;
    *m) echo $(( ${d%m} * 60 )) ;;
    *) echo "$d" ;;
  esac
}

install_peers() {
  local need=()
  dpkg -s rabbitmq-server >/dev/null 2>&1 || need+=(rabbitmq-server)
  install_missing_packages amqp091-side-by-side "${need[@]}"
  warn_running_services rabbitmq-server
  case " $SCENARIOS " in *" perftest-"*) install_perf_test ;; esac
}

# PerfTest and its dependencies from Maven Central into $CACHE, once.
install_perf_test() {
  PERF_TEST_HOME="$CACHE/perf-test-$PERF_TEST_VERSION"
  if [ ! -f "$PERF_TEST_HOME/lib/perf-test-$PERF_TEST_VERSION.jar" ]; then
    [ "$INSTALL" = 1 ] || { echo "amqp091-side-by-side: PerfTest is not in $CACHE (run without --no-install)" >&2; exit 1; }
    log "fetching PerfTest $PERF_TEST_VERSION and its dependencies from Maven Central"
    mkdir -p "$PERF_TEST_HOME"
    cp "$BENCH_DIR/peers/perf-test/pom.xml" "$PERF_TEST_HOME/pom.xml"
    (cd "$PERF_TEST_HOME" && mvn -B -q dependency:copy-dependencies -DoutputDirectory="$PERF_TEST_HOME/lib.tmp" \
      && rm -rf lib && mv lib.tmp lib)
  fi
}

prepare_instances() {
  mkdir -p "$WORK/ferrymq" "$WORK/rabbitmq"
  cat > "$WORK/ferrymq/broker.yaml" <<CONF
listeners:
  - name: amqp091
    protocols: [amqp091]
    host: 127.0.0.1
    port: ${PORT[ferrymq]}
CONF
  echo "listeners.tcp.default = 127.0.0.1:${PORT[rabbitmq]}" > "$WORK/rabbitmq/rabbitmq.conf"
  echo '[].' > "$WORK/rabbitmq/enabled_plugins"
}

start_broker() {
  local b=$1 dir="$WORK/$1"
  case $b in
    ferrymq) start_ferrymq "$WORK/dist" "$dir" ;;
    rabbitmq) start_rabbitmq "$dir" ;;
  esac
  local port=${PORT[$b]}
  for _ in $(seq 1 120); do
    BROKER_PID=$(listener_pid "$port")
    # Ready means an AMQP 0-9-1 client can log in: RabbitMQ opens the port before it finishes booting.
    if [ -n "$BROKER_PID" ] && bench connections --protocol amqp091 -P "$port" -n 1 --hold 0s -q >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  echo "amqp091-side-by-side: $b did not accept an AMQP 0-9-1 connection on port $port within 60 s; see $dir/console.log" >&2
  tail -20 "$dir/console.log" >&2 || true
  exit 1
}

cleanup() {
  set +e
  for b in $BROKERS; do stop_broker "$b"; done
  if [ -n "${EPMD_STARTED:-}" ] && command -v epmd >/dev/null; then epmd -kill >/dev/null 2>&1 || true; fi
}

perf_test_args() {
  local total
  total=$(( $(seconds "$WARMUP") + $(seconds "$DURATION") ))
  case "$1" in
    perftest-10x10) echo "-x 10 -y 10 -u perftest.transient -s 1024 -z $total" ;;
    perftest-10x10-persistent) echo "-x 10 -y 10 -u perftest.persistent -ad false -s 1024 -f persistent -c 100 -z $total" ;;
    *) echo "amqp091-side-by-side: unknown scenario '$1'" >&2; exit 2 ;;
  esac
}

run_one() {
  local scenario=$1 b=$2 round=$3 status=0
  mkdir -p "$OUT/$scenario" "$OUT/logs/$scenario"
  start_broker "$b"
  log "$scenario round $round: $b (pid $BROKER_PID)"
  case "$scenario" in
    perftest-*)
      local args
      args=$(perf_test_args "$scenario")
      # shellcheck disable=SC2086
      $CLIENT_TASKSET java ${BENCH_JAVA_OPTS:--Xmx1g} -cp "$PERF_TEST_HOME/lib/*" com.rabbitmq.perf.PerfTest \
        --uri "amqp://guest:guest@127.0.0.1:${PORT[$b]}" $args > "$OUT/$scenario/$b-$round.txt" 2>&1 || status=$?
      ;;
    *)
      bench run --protocol amqp091 -P "${PORT[$b]}" --broker-pid "$BROKER_PID" ${BENCH_RUN_OPTS:-} --scenario "$scenario" --duration "$DURATION" --warmup "$WARMUP" \
        --label "$b" --json "$OUT/$scenario/$b-$round.json" -q >> "$OUT/runs.log" 2>&1 || status=$?
      ;;
  esac
  stop_broker "$b"
  cp "$WORK/$b/console.log" "$OUT/logs/$scenario/$b-$round.log" 2>/dev/null || true
  [ "$status" = 0 ] || log "WARNING: $scenario on $b (round $round) exited with $status; see $OUT"
}

# PerfTest's "receiving rate avg" of one run's output, or nothing.
perf_test_rate() {
  grep -o 'receiving rate avg: [0-9]*' "$1" 2>/dev/null | grep -o '[0-9]*$' | tail -1
}

median() {
  sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

main() {
  install_peers
  prepare_dist "$WORK/dist"
  prepare_instances
  require_free_ports
  pgrep -x epmd >/dev/null || EPMD_STARTED=1
  trap cleanup EXIT
  trap 'exit 143' INT TERM
  OUT="${OUT:-$WORK/results-$(date +%Y%m%d-%H%M%S)}"
  mkdir -p "$OUT"
  {
    machine_info
    echo "brokers: $BROKERS; rounds $ROUNDS; duration $DURATION; warm-up $WARMUP"
    echo "pinning: ${BROKER_TASKSET:-none} (broker), ${CLIENT_TASKSET:-none} (clients)"
    dpkg-query -W -f='${Package} ${Version}\n' rabbitmq-server 2>/dev/null || true
    echo "perf-test $PERF_TEST_VERSION"
  } > "$OUT/machine.txt"
  log "results in $OUT"

  local scenario round b generator=() perftests=()
  for scenario in $SCENARIOS; do
    case "$scenario" in perftest-*) perftests+=("$scenario") ;; *) generator+=("$scenario") ;; esac
    for round in $(seq 1 "$ROUNDS"); do
      for b in $BROKERS; do
        run_one "$scenario" "$b" "$round"
      done
    done
  done

  {
    cat "$OUT/machine.txt"
    echo
    if [ ${#generator[@]} -gt 0 ]; then
      local files=() f
      for scenario in "${generator[@]}"; do
        for f in "$OUT/$scenario"/*.json; do [ -f "$f" ] && files+=("$f"); done
      done
      if [ ${#files[@]} -gt 0 ]; then bench compare --baseline ferrymq "${files[@]}"; fi
      echo
    fi
    if [ ${#perftests[@]} -gt 0 ]; then
      printf '%-28s %-10s %6s %14s   %s\n' scenario broker runs "received/s" "(per run)"
      local -A med=()
      for scenario in "${perftests[@]}"; do
        for b in $BROKERS; do
          local rates=()
          for f in "$OUT/$scenario/$b"-*.txt; do
            [ -f "$f" ] || continue
            local r; r=$(perf_test_rate "$f")
            [ -n "$r" ] && rates+=("$r")
          done
          med[$scenario/$b]=$(printf '%s\n' "${rates[@]:-}" | grep . | median)
          printf '%-28s %-10s %6s %14s   %s\n' "$scenario" "$b" "${#rates[@]}" "${med[$scenario/$b]:--}" "${rates[*]:-}"
        done
      done
      echo
      for scenario in "${perftests[@]}"; do
        local ours=${med[$scenario/ferrymq]:-} theirs=${med[$scenario/rabbitmq]:-}
        if [ -n "$ours" ] && [ -n "$theirs" ] && [ "$theirs" -gt 0 ]; then
          awk -v s="$scenario" -v a="$ours" -v b="$theirs" 'BEGIN { printf "%s: ferrymq/rabbitmq = %.2f\n", s, a / b }'
        else
          echo "$scenario: no ratio (a broker has no PerfTest result; see $OUT/$scenario)"
        fi
      done
    fi
  } | tee "$OUT/summary.txt"
}

main
