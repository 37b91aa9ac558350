#!/usr/bin/env bash
# A/B benchmark of two FerryMQ builds: the same scenarios run alternately against a base build (a git
# revision) and the working tree (base, new, base, new ... for each round), each broker started fresh, the
# broker pinned to one core and the load generator to the other, so that a change can be checked for a
# regression in one run on one machine.
#
#   bench/ab.sh --base 27443cc                                       # STOMP and MQTT scenarios, 3 rounds
#   bench/ab.sh --base HEAD~3 --scenarios stomp-queue-1x1,mqtt-qos0-1x100 --rounds 5 --duration 10s --warmup 4s
#
# Options:
#   --base REV         the git revision to compare against (required)
#   --scenarios LIST   names from 'ferrymq-bench scenarios': STOMP, MQTT, AMQP 1.0 (amqp-*), AMQP 0-9-1
#                      (amqp091-*) and OpenWire (openwire-*) ones (default: the five STOMP and MQTT below)
#   --rounds N         runs of each scenario on each build (default: 3)
#   --duration D       measured time per run (default: 10s)
#   --warmup D         unmeasured time before it (default: 4s)
#   --out DIR          where results go (default: bench/target/ab/results-DATE)
#   --broker-cpu N     the core the broker is pinned to (default: 0); the load generator gets the others
#   --jfr              record each broker run (JFR, settings=profile) and write its heaviest allocation sites over
#                      the measured window next to the run's JSON (SIDE-ROUND.sites.txt); the recording's own
#                      allocation then counts in the heap figure, so compare heap B/msg from runs without it
#
# Both builds are driven by the working tree's load generator, so only the broker differs. For each run the
# summary gives received msg/s and the broker's CPU time per received message over the measured window (the
# load generator's --broker-pid: utime + stime from /proc/PID/stat) and the broker's Java heap allocation per
# received message (--broker-allocation: the JVM's total allocated bytes over the window), then per scenario the medians and the
# new/base ratios. The load generator's integrity counters (lost, duplicated, out of order) are reported too.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH_DIR")"
NAME=ab
# shellcheck source=lib/pinned-runs.sh
. "$BENCH_DIR/lib/pinned-runs.sh"
BASE=""
SCENARIOS="stomp-queue-1x1,stomp-queue-1x1-persistent,stomp-queue-10x10,mqtt-qos0-1x100,mqtt-qos1-10x10"
ROUNDS=3
DURATION=10s
WARMUP=4s
OUT=""
BROKER_CPU=0
STOMP_PORT=61813
MQTT_PORT=61883
AMQP_PORT=61873
AMQP091_PORT=61874
OPENWIRE_PORT=61816
JFR=0

while [ $# -gt 0 ]; do
  case "$1" in
    --base) BASE="${2:?--base needs a revision}"; shift 2 ;;
    --scenarios) SCENARIOS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --broker-cpu) BROKER_CPU="$2"; shift 2 ;;
    --jfr) JFR=1; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "ab: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$BASE" ] || { echo "ab: --base REV is required" >&2; exit 2; }
runs_init

# Builds the server and load generator of the working tree ($1=new) or of revision $BASE ($1=base) into
# $WORK/$1 (jars copied, so a later rebuild cannot change what runs).
build() {
  local which=$1 src dest="$WORK/$1"
  if [ "$which" = base ]; then
    src="$WORK/base-src"
    if [ -d "$src" ]; then git -C "$REPO" worktree remove --force "$src" >/dev/null 2>&1 || rm -rf "$src"; fi
    git -C "$REPO" worktree add --detach "$src" "$BASE" >/dev/null
  else
    src="$REPO"
  fi
  log "building $which ($(git -C "$src" rev-parse --short HEAD)$( [ "$which" = new ] && [ -n "$(git -C "$src" status --porcelain)" ] && echo ', with uncommitted changes'))"
  build_tree "$src"
  copy_dist "$src" "$dest"
  if [ "$which" = base ]; then git -C "$REPO" worktree remove --force "$src" >/dev/null; fi
}

write_config() {
  cat > "$1" <<EOF
listeners:
  - name: stomp
    protocols: [stomp]
    host: 127.0.0.1
    port: $STOMP_PORT
  - name: mqtt
    protocols: [mqtt]
    host: 127.0.0.1
    port: $MQTT_PORT
  - name: amqp
    protocols: [amqp]
    host: 127.0.0.1
    port: $AMQP_PORT
  - name: amqp091
    protocols: [amqp091]
    host: 127.0.0.1
    port: $AMQP091_PORT
  - name: openwire
    protocols: [openwire]
    host: 127.0.0.1
    port: $OPENWIRE_PORT
EOF
}

run_one() {
  local scenario=$1 build=$2 round=$3 file="$OUT/$1/$2-$3.json" port protocol
  mkdir -p "$OUT/$scenario"
  case "$scenario" in
    mqtt-*) port=$MQTT_PORT protocol=mqtt ;;
    amqp091-*) port=$AMQP091_PORT protocol=amqp091 ;;
    amqp-*) port=$AMQP_PORT protocol=amqp ;;
    openwire-*) port=$OPENWIRE_PORT protocol=openwire ;;
    *) port=$STOMP_PORT protocol=stomp ;;
  esac
  local dir="$WORK/run-$build" status=0
  fresh_dir "$dir"
  write_config "$dir/broker.yaml"
  local jfr_opts=""
  [ "$JFR" = 1 ] && jfr_opts="-XX:StartFlightRecording=filename=$dir/broker.jfr,settings=profile"
  FERRYMQ_OPTS="${FERRYMQ_OPTS:-} $jfr_opts" \
    start_broker "$WORK/$build" "$dir" "$dir/broker.yaml" "$STOMP_PORT $MQTT_PORT $OPENWIRE_PORT"
  bench_client "$WORK/new" run --protocol "$protocol" -P "$port" \
    --broker-pid "$BROKER_PID" --broker-allocation --scenario "$scenario" --duration "$DURATION" --warmup "$WARMUP" --label "$build" \
    --json "$file" -q \
    >> "$OUT/runs.log" 2>&1 || status=$?
  stop_broker
  if [ "$JFR" = 1 ] && [ -f "$dir/broker.jfr" ] && [ -f "$file" ]; then
    bench_client "$WORK/new" alloc-sites "$dir/broker.jfr" --top 25 \
      --from "$(jq -r '.brokerAllocation.from' "$file")" --to "$(jq -r '.brokerAllocation.to' "$file")" \
      > "${file%.json}.sites.txt" 2>> "$OUT/runs.log" || true
  fi
  [ "$status" = 0 ] || log "WARNING: $scenario on $build (round $round) exited with $status; see $OUT/runs.log"
  log "$scenario round $round: $build done"
}

main() {
  bench_lock ab
  machine_header "base: $(git -C "$REPO" rev-parse --short "$BASE"); new: $(git -C "$REPO" rev-parse --short HEAD)" \
    "scenarios: $SCENARIOS; rounds $ROUNDS; duration $DURATION; warm-up $WARMUP"
  build base
  build new
  local round scenario
  for round in $(seq 1 "$ROUNDS"); do
    for scenario in ${SCENARIOS//,/ }; do
      run_one "$scenario" base "$round"
      run_one "$scenario" new "$round"
    done
  done
  machine_footer
  summarise_sides base new | tee "$OUT/summary.txt"
  log "results in $OUT"
}

main
