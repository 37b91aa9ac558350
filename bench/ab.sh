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
#
# Both builds are driven by the working tree's load generator, so only the broker differs. For each run the
# summary gives received msg/s and the broker's CPU time per received message over the measured window (the
# load generator's --broker-pid: utime + stime from /proc/PID/stat), then per scenario the medians and the
# new/base ratios. The load generator's integrity counters (lost, duplicated, out of order) are reported too.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH_DIR")"
# shellcheck source=lib/one-at-a-time.sh
. "$BENCH_DIR/lib/one-at-a-time.sh"
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

while [ $# -gt 0 ]; do
  case "$1" in
    --base) BASE="${2:?--base needs a revision}"; shift 2 ;;
    --scenarios) SCENARIOS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --broker-cpu) BROKER_CPU="$2"; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "ab: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$BASE" ] || { echo "ab: --base REV is required" >&2; exit 2; }
command -v taskset >/dev/null || { echo "ab: taskset (util-linux) is needed" >&2; exit 1; }
CORES=$(nproc)
[ "$CORES" -ge 2 ] || { echo "ab: needs at least 2 cores to pin broker and load generator apart" >&2; exit 1; }
CLIENT_CPUS=$(seq 0 $((CORES - 1)) | grep -vx "$BROKER_CPU" | paste -sd, -)

WORK="$REPO/bench/target/ab"
OUT="${OUT:-$WORK/results-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$WORK" "$OUT"
log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$OUT/ab.log" >&2; }

# seconds as a number from 500ms / 10s / 2m
seconds() {
  case "$1" in
    *ms) awk -v v="${1%ms}" 'BEGIN { print v / 1000 }' ;;
    *s) echo "${1%s}" ;;
    *m) echo $(( ${1%m} * 60 )) ;;
    *) echo "$1" ;;
  esac
}

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
  (cd "$src" && mvn -B -q -o -DskipTests package -pl server,bench -am) || (cd "$src" && mvn -B -q -DskipTests package -pl server,bench -am)
  rm -rf "$dest" && mkdir -p "$dest"
  cp -r "$src/server/target/ferrymq-server.jar" "$src/server/target/lib" "$src/bench/target/ferrymq-bench.jar" "$dest/"
  cp "$src/conf/log4j2.xml" "$dest/"
  if [ "$which" = base ]; then git -C "$REPO" worktree remove --force "$src" >/dev/null; fi
}

listener_pid() {
  { ss -ltnpH "( sport = :$1 )" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; } || true
}

start_broker() {
  local build=$1 dir="$WORK/run-$1"
  rm -rf "$dir" && mkdir -p "$dir"
  cat > "$dir/broker.yaml" <<EOF
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
  (cd "$dir" && exec taskset -c "$BROKER_CPU" java -Xms512m -Xmx2g -Dferrymq.home="$dir" \
    -Dlog4j2.configurationFile="$WORK/$build/log4j2.xml" -jar "$WORK/$build/ferrymq-server.jar" run \
    --config "$dir/broker.yaml") > "$dir/console.log" 2>&1 &
  local i
  for i in $(seq 1 120); do
    BROKER_PID=$(listener_pid "$STOMP_PORT")
    if [ -n "$BROKER_PID" ] && [ -n "$(listener_pid "$MQTT_PORT")" ] && [ -n "$(listener_pid "$OPENWIRE_PORT")" ]; then
      return 0
    fi
    sleep 0.5
  done
  echo "ab: the $build broker did not listen within 60 s; see $dir/console.log" >&2
  exit 1
}

stop_broker() {
  local pid=${BROKER_PID:-}
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { BROKER_PID=""; return 0; }; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
  BROKER_PID=""
}
trap stop_broker EXIT
trap 'exit 143' INT TERM

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
  start_broker "$build"
  local status=0
  taskset -c "$CLIENT_CPUS" java ${BENCH_JAVA_OPTS:-} -jar "$WORK/new/ferrymq-bench.jar" run --protocol "$protocol" -P "$port" \
    --broker-pid "$BROKER_PID" --scenario "$scenario" --duration "$DURATION" --warmup "$WARMUP" --label "$build" \
    --json "$file" -q \
    >> "$OUT/runs.log" 2>&1 || status=$?
  stop_broker
  [ "$status" = 0 ] || log "WARNING: $scenario on $build (round $round) exited with $status; see $OUT/runs.log"
  log "$scenario round $round: $build done"
}

summarise() {
  python3 - "$OUT" <<'PY'
import json, os, statistics, sys
out = sys.argv[1]
lines = []
for scenario in sorted(d for d in os.listdir(out) if os.path.isdir(os.path.join(out, d))):
    per = {}
    for f in sorted(os.listdir(os.path.join(out, scenario))):
        if not f.endswith('.json'):
            continue
        build, _ = f[:-5].split('-', 1)
        r = json.load(open(os.path.join(out, scenario, f)))
        cpu_us = (r.get('brokerCpu') or {}).get('microsPerMessage', float('nan'))
        integ = r.get('integrity') or {}
        per.setdefault(build, []).append((r['received']['msgsPerSec'], cpu_us,
                                          integ.get('lost', 0), integ.get('duplicated', 0), integ.get('outOfOrder', 0)))
    row = [scenario]
    med = {}
    for build in ('base', 'new'):
        runs = per.get(build, [])
        if not runs:
            row.append('-'); continue
        rates = [x[0] for x in runs]; cpus = [x[1] for x in runs]
        med[build] = (statistics.median(rates), statistics.median(cpus))
        row.append('%s msg/s (%s-%s), %.2f us CPU/msg, lost/dup/ooo %d/%d/%d' % (
            format(round(med[build][0]), ','), format(round(min(rates)), ','), format(round(max(rates)), ','),
            med[build][1], sum(x[2] for x in runs), sum(x[3] for x in runs), sum(x[4] for x in runs)))
    if 'base' in med and 'new' in med:
        row.append('throughput new/base %.2f, CPU/msg new/base %.2f' % (med['new'][0] / med['base'][0],
                                                                           med['new'][1] / med['base'][1]))
    lines.append(' | '.join(row))
print('\n'.join(lines))
PY
}

main() {
  bench_lock ab
  {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cores: $CORES (broker on $BROKER_CPU, load generator on $CLIENT_CPUS)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "java: $(java -version 2>&1 | head -1)"
    echo "base: $(git -C "$REPO" rev-parse --short "$BASE"); new: $(git -C "$REPO" rev-parse --short HEAD)"
    echo "scenarios: $SCENARIOS; rounds $ROUNDS; duration $DURATION; warm-up $WARMUP"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  } > "$OUT/machine.txt"
  build base
  build new
  local round scenario
  for round in $(seq 1 "$ROUNDS"); do
    for scenario in ${SCENARIOS//,/ }; do
      run_one "$scenario" base "$round"
      run_one "$scenario" new "$round"
    done
  done
  echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
  summarise | tee "$OUT/summary.txt"
  log "results in $OUT"
}

main
