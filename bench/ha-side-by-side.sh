#!/usr/bin/env bash
# HA pair against a single node: the same durable scenarios run alternately against one FerryMQ node and against
# the active of an HA pair whose standby is in sync (synchronous replication: a confirm waits for both disks), in
# the same run on the same machine, then the medians and the ratio lines "pair/single" for throughput and
# end-to-end p99, plus the confirm latency and the CPU per message of the active and of the standby.
#
#   bench/ha-side-by-side.sh                                     # 3 rounds of 20 s per scenario and set-up
#   bench/ha-side-by-side.sh --rounds 1 --duration 3s --warmup 1s --no-build    # a quick check that it runs
#
# Options:
#   --scenarios LIST   comma-separated load-generator scenarios (default: the durable STOMP and MQTT ones below)
#   --standby-cpu N    the core the standby runs on (default: the brokers' core, so the pair's cost includes the
#                      standby's CPU). With the load generator's core, the active has a core to itself as it would
#                      on its own host, and the standby takes its CPU from the load generator instead.
#   --rounds N, --duration D, --warmup D, --out DIR, --no-build, --dist DIR: as in side-by-side.sh
# PERF_EVENTS (environment): perf events to count in each broker over the measured window (perf stat -e, e.g.
# syscalls:sys_enter_fdatasync,syscalls:sys_enter_write), written to RUN.active.perf and RUN.standby.perf.
# Each run also leaves every broker thread's CPU ticks at the start and end of the measured window
# (RUN.active.threads-before/-after, RUN.standby.threads-*): where a node's CPU per message goes, by thread.
#
# Set-up. Everything listens on 127.0.0.1 only; the brokers (one node, or both pair members) run on core
# $BROKER_CPU (default 0) and the load generator on the others, so the pair's cost includes its standby's CPU:
#   single   one node, STOMP 61733 and MQTT 61734, its own empty data directory per run.
#   pair     node a (active: STOMP 61743, MQTT 61744, replication 61747) and node b (standby: 61753, 61754,
#            61757), fenced by one ZooKeeper started for the whole run ('ferrymq coordinator' on 61781), a new
#            pair name per run; the run starts once 'ferrymq ha status' names node b as the standby in sync.
# The goal in issue 13: the pair costs under 30% of the single node's durable throughput.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH_DIR")"
WORK="$BENCH_DIR/target/ha-side-by-side"
CACHE="${FERRYMQ_BENCH_CACHE:-$HOME/.cache/ferrymq-bench}"

SCENARIOS="stomp-queue-1x1-persistent stomp-queue-10x10-persistent mqtt-qos1-10x10"
ROUNDS=3
DURATION=20s
WARMUP=5s
OUT=""
INSTALL=1
BUILD=1
DIST=""
COORDINATOR_PORT=61781

log() { echo "[ha-side-by-side $(date +%H:%M:%S)] $*" >&2; }
# shellcheck source=lib/side-by-side-common.sh
. "$BENCH_DIR/lib/side-by-side-common.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --scenarios) SCENARIOS="${2//,/ }"; shift 2 ;;
    --standby-cpu) STANDBY_CPU="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) common_option "$@"
       [ "$OPTION_ARGS" -gt 0 ] || { echo "ha-side-by-side: unknown option $1 (see --help)" >&2; exit 2; }
       shift "$OPTION_ARGS" ;;
  esac
done
command -v taskset >/dev/null || { echo "ha-side-by-side: taskset (util-linux) is needed" >&2; exit 1; }
BROKER_TASKSET="taskset -c $BROKER_CPU"
STANDBY_CPU="${STANDBY_CPU:-$BROKER_CPU}"

declare -A STOMP_PORT=([single]=61733 [a]=61743 [b]=61753)
declare -A MQTT_PORT=([single]=61734 [a]=61744 [b]=61754)
declare -A REPLICATION_PORT=([a]=61747 [b]=61757)
# The ports the shared stop/check helpers look at.
declare -A PORT=([single]=61733 [pair]=61743)
BROKERS="single pair"
COORDINATOR_PID=""
PAIR_RUN=0

# Writes the broker.yaml of node $1 (single, a or b) into $WORK/$1; a pair member gets an ha section naming
# pair $2.
write_config() {
  local node=$1 cluster=${2:-} dir="$WORK/$1" peer
  mkdir -p "$dir"
  cat > "$dir/broker.yaml" <<CONF
listeners:
  - name: stomp
    protocols: [stomp]
    host: 127.0.0.1
    port: ${STOMP_PORT[$node]}
  - name: mqtt
    protocols: [mqtt]
    host: 127.0.0.1
    port: ${MQTT_PORT[$node]}
CONF
  if [ "$node" != single ]; then
    peer=$([ "$node" = a ] && echo b || echo a)
    cat >> "$dir/broker.yaml" <<CONF
ha:
  node-id: node-$node
  replication: 127.0.0.1:${REPLICATION_PORT[$node]}
  peer: 127.0.0.1:${REPLICATION_PORT[$peer]}
  zookeeper: 127.0.0.1:$COORDINATOR_PORT
  cluster: $cluster
  failover-timeout: 5s
CONF
  fi
}

start_coordinator() {
  rm -rf "$WORK/coordinator" && mkdir -p "$WORK/coordinator"
  (cd "$WORK/coordinator" && exec taskset -c "$(client_cpus)" java -Xmx256m -Dferrymq.home="$WORK/coordinator" \
    -Dlog4j2.configurationFile="$WORK/dist/log4j2.xml" -jar "$WORK/dist/ferrymq-server.jar" coordinator \
    --port "$COORDINATOR_PORT" --data-dir "$WORK/coordinator/data") > "$WORK/coordinator/console.log" 2>&1 &
  for _ in $(seq 1 120); do
    COORDINATOR_PID=$(listener_pid "$COORDINATOR_PORT")
    [ -n "$COORDINATOR_PID" ] && return 0
    sleep 0.5
  done
  echo "ha-side-by-side: the coordinator did not listen on $COORDINATOR_PORT within 60 s" >&2
  exit 1
}

# Waits until port $1 listens (a node's client listener: open on a single node or an active only).
await_listener() {
  for _ in $(seq 1 240); do
    [ -n "$(listener_pid "$1")" ] && return 0
    sleep 0.5
  done
  echo "ha-side-by-side: nothing listens on $1 after 120 s; see $WORK/*/console.log" >&2
  exit 1
}

await_in_sync() {
  local status
  for _ in $(seq 1 240); do
    status=$(java -Dlog4j2.configurationFile="$WORK/dist/log4j2.xml" -jar "$WORK/dist/ferrymq-server.jar" ha status \
      -c "$WORK/a/broker.yaml" 2>/dev/null || true)
    case "$status" in *"standby in sync: node-b"*) return 0 ;; esac
    sleep 0.5
  done
  echo "ha-side-by-side: node b did not get in sync within 120 s; see $WORK/b/console.log" >&2
  exit 1
}

# Seconds as a number from 500ms / 10s / 2m.
seconds() {
  case "$1" in
    *ms) awk -v v="${1%ms}" 'BEGIN { print v / 1000 }' ;;
    *s) echo "${1%s}" ;;
    *m) echo $(( ${1%m} * 60 )) ;;
    *) echo "$1" ;;
  esac
}

# utime + stime of process $1 in clock ticks.
cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat"
}

# "tid name ticks" (utime + stime) for every thread of process $1 so far.
thread_ticks() {
  local t
  for t in /proc/"$1"/task/*; do
    echo "${t##*/} $(tr ' ' _ < "$t/comm" 2>/dev/null) $(awk '{print $14 + $15}' "$t/stat" 2>/dev/null)"
  done
}

# Context switches (voluntary and not) of all the threads of process $1 so far: each is a wake-up or a preemption.
ctx_switches() {
  cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {n += $2} END {print n + 0}'
}

start_setup() {
  local setup=$1
  if [ "$setup" = single ]; then
    write_config single
    start_ferrymq "$WORK/dist" "$WORK/single"
    await_listener "${STOMP_PORT[single]}"
    BROKER_PID=$(listener_pid "${STOMP_PORT[single]}")
    STANDBY_PID=""
    return 0
  fi
  PAIR_RUN=$((PAIR_RUN + 1))
  write_config a "bench-$PAIR_RUN-$$"
  write_config b "bench-$PAIR_RUN-$$"
  start_ferrymq "$WORK/dist" "$WORK/a"
  await_listener "${STOMP_PORT[a]}"
  BROKER_PID=$(listener_pid "${STOMP_PORT[a]}")
  BROKER_TASKSET="taskset -c $STANDBY_CPU" start_ferrymq "$WORK/dist" "$WORK/b"
  STANDBY_PID=$!
  await_in_sync
}

stop_setup() {
  stop_pid "$1" "${BROKER_PID:-}"
  [ -z "${STANDBY_PID:-}" ] || stop_pid standby "$STANDBY_PID"
  BROKER_PID="" STANDBY_PID=""
}

cleanup() {
  set +e
  stop_setup cleanup
  [ -z "$COORDINATOR_PID" ] || stop_pid coordinator "$COORDINATOR_PID"
}

run_one() {
  local scenario=$1 setup=$2 round=$3 file="$OUT/$1/$2-$3.json" status=0 port standby_before standby_after
  mkdir -p "$OUT/$scenario"
  start_setup "$setup"
  case "$scenario" in
    mqtt-*) port=$([ "$setup" = single ] && echo "${MQTT_PORT[single]}" || echo "${MQTT_PORT[a]}") ;;
    *) port=$([ "$setup" = single ] && echo "${STOMP_PORT[single]}" || echo "${STOMP_PORT[a]}") ;;
  esac
  log "$scenario round $round: $setup (active pid $BROKER_PID${STANDBY_PID:+, standby pid $STANDBY_PID})"
  bench run -P "$port" --broker-pid "$BROKER_PID" ${BENCH_RUN_OPTS:-} --scenario "$scenario" --duration "$DURATION" \
    --warmup "$WARMUP" --label "$setup" --json "$file" -q >> "$OUT/runs.log" 2>&1 &
  local generator=$! active_ctx standby_ctx=0
  # The standby's CPU and both nodes' context switches over about the measured window: the load generator
  # measures the active's CPU only.
  sleep "$(seconds "$WARMUP")"
  active_ctx=$(ctx_switches "$BROKER_PID")
  if [ -n "$STANDBY_PID" ]; then
    standby_before=$(cpu_ticks "$STANDBY_PID")
    standby_ctx=$(ctx_switches "$STANDBY_PID")
  fi
  local perfs=()
  thread_ticks "$BROKER_PID" > "$OUT/$scenario/$setup-$round.active.threads-before"
  [ -z "$STANDBY_PID" ] || thread_ticks "$STANDBY_PID" > "$OUT/$scenario/$setup-$round.standby.threads-before"
  if [ -n "${PERF_EVENTS:-}" ]; then
    perf stat -x, -e "$PERF_EVENTS" -p "$BROKER_PID" -o "$OUT/$scenario/$setup-$round.active.perf" &
    perfs+=($!)
    if [ -n "$STANDBY_PID" ]; then
      perf stat -x, -e "$PERF_EVENTS" -p "$STANDBY_PID" -o "$OUT/$scenario/$setup-$round.standby.perf" &
      perfs+=($!)
    fi
  fi
  wait "$generator" || status=$?
  for p in "${perfs[@]}"; do kill -INT "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  thread_ticks "$BROKER_PID" > "$OUT/$scenario/$setup-$round.active.threads-after"
  [ -z "$STANDBY_PID" ] || thread_ticks "$STANDBY_PID" > "$OUT/$scenario/$setup-$round.standby.threads-after"
  active_ctx=$(( $(ctx_switches "$BROKER_PID") - active_ctx ))
  if [ -n "$STANDBY_PID" ]; then
    standby_after=$(cpu_ticks "$STANDBY_PID")
    echo "$(( standby_after - standby_before ))" > "$OUT/$scenario/$setup-$round.standby-ticks"
    standby_ctx=$(( $(ctx_switches "$STANDBY_PID") - standby_ctx ))
  fi
  echo "$active_ctx $standby_ctx" > "$OUT/$scenario/$setup-$round.ctx"
  stop_setup "$setup"
  [ "$status" = 0 ] || log "WARNING: $scenario on $setup (round $round) exited with $status; see $OUT/runs.log"
}

# Confirm latency and the standby's CPU per message (sampled from the end of the warm-up to the end of the run),
# per scenario and set-up, medians over the rounds.
extra_summary() {
  python3 - "$OUT" "$(getconf CLK_TCK)" <<'PY'
import json, os, statistics, sys
out, hz = sys.argv[1], int(sys.argv[2])
print('\nconfirm latency (ms, medians over rounds) and broker CPU per received message (µs)')
for scenario in sorted(d for d in os.listdir(out) if os.path.isdir(os.path.join(out, d))):
    for setup in ('single', 'pair'):
        rows = []
        for f in sorted(os.listdir(os.path.join(out, scenario))):
            if not (f.startswith(setup + '-') and f.endswith('.json')):
                continue
            r = json.load(open(os.path.join(out, scenario, f)))
            conf = {k: v / 1000 for k, v in (r.get('confirmLatencyMicros') or {}).items() if k in ('p50', 'p99')}
            cpu = (r.get('brokerCpu') or {}).get('microsPerMessage')
            ticks = os.path.join(out, scenario, f[:-5] + '.standby-ticks')
            standby = None
            if os.path.exists(ticks):
                standby = int(open(ticks).read()) / hz * 1e6 / max(1, r['received']['messages'])
            ctx = os.path.join(out, scenario, f[:-5] + '.ctx')
            active_cs = standby_cs = None
            if os.path.exists(ctx):
                a, b = (int(x) for x in open(ctx).read().split())
                active_cs = a / max(1, r['received']['messages'])
                standby_cs = b / max(1, r['received']['messages']) if setup == 'pair' else None
            rows.append((conf.get('p50'), conf.get('p99'), cpu, standby, active_cs, standby_cs))
        if not rows:
            continue
        med = lambda xs: statistics.median([x for x in xs if x is not None]) if any(x is not None for x in xs) else None
        p50, p99, cpu, standby, active_cs, standby_cs = (med([r[i] for r in rows]) for i in range(6))
        fmt = lambda v, d=2: '-' if v is None else ('%.' + str(d) + 'f') % v
        print('%-32s %-7s confirm p50 %s p99 %s; active CPU %s µs/msg, %s ctx switches/msg%s' % (scenario, setup,
              fmt(p50), fmt(p99), fmt(cpu), fmt(active_cs), '' if standby is None else
              '; standby CPU %s µs/msg, %s ctx switches/msg' % (fmt(standby), fmt(standby_cs))))
PY
}

main() {
  prepare_dist "$WORK/dist"
  for p in "${STOMP_PORT[@]}" "${MQTT_PORT[@]}" "${REPLICATION_PORT[@]}" "$COORDINATOR_PORT"; do
    [ -z "$(listener_pid "$p")" ] || { echo "ha-side-by-side: port $p is already in use" >&2; exit 1; }
  done
  trap cleanup EXIT
  trap 'exit 143' INT TERM
  OUT="${OUT:-$WORK/results-$(date +%Y%m%d-%H%M%S)}"
  mkdir -p "$OUT"
  {
    machine_info
    echo "set-ups: single node, HA pair (active + standby in sync); rounds $ROUNDS; duration $DURATION;" \
      "warm-up $WARMUP; brokers on core $BROKER_CPU (the standby on $STANDBY_CPU), load generator and ZooKeeper on" \
      "$(client_cpus)"
  } > "$OUT/machine.txt"
  log "results in $OUT"
  start_coordinator
  local scenario round files=() f
  for scenario in $SCENARIOS; do
    for round in $(seq 1 "$ROUNDS"); do
      run_one "$scenario" single "$round"
      run_one "$scenario" pair "$round"
    done
  done
  cat "$OUT/machine.txt"
  echo
  for scenario in $SCENARIOS; do
    for f in "$OUT/$scenario"/*.json; do [ -f "$f" ] && files+=("$f"); done
  done
  bench compare --baseline pair "${files[@]}" | tee "$OUT/summary.txt"
  extra_summary | tee -a "$OUT/summary.txt"
}

main
