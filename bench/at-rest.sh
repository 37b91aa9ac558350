#!/usr/bin/env bash
# The cost of encryption at rest: the same durable scenarios run alternately against a broker with a plain
# journal and one with storage.encryption (plain, encrypted, plain, encrypted ... for each round), each broker
# started fresh from the working tree's build, the broker pinned to one core and the load generator to the
# others, so that both sides see the same machine in one run.
#
#   bench/at-rest.sh                                                 # persistent STOMP, 1x1 and 10x10, 3 rounds
#   bench/at-rest.sh --scenarios stomp-queue-10x10-persistent --rounds 5 --duration 20s --warmup 5s
#
# Options:
#   --scenarios LIST   durable STOMP scenarios from 'ferrymq-bench scenarios'
#                      (default: stomp-queue-1x1-persistent,stomp-queue-10x10-persistent)
#   --rounds N         runs of each scenario on each side (default: 3)
#   --duration D       measured time per run (default: 10s)
#   --warmup D         unmeasured time before it (default: 4s)
#   --out DIR          where results go (default: bench/target/at-rest/results-DATE)
#   --broker-cpu N     the core the broker is pinned to (default: 0); the load generator gets the others
#
# The journal fsyncs as in production (storage defaults). For each run the summary gives received msg/s and the
# broker's CPU time per received message (utime + stime of the broker over the measured window), then per
# scenario the medians and the encrypted/plain ratios, and the load generator's integrity counters.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/one-at-a-time.sh
. "$BENCH_DIR/lib/one-at-a-time.sh"
REPO="$(dirname "$BENCH_DIR")"
SCENARIOS="stomp-queue-1x1-persistent,stomp-queue-10x10-persistent"
ROUNDS=3
DURATION=10s
WARMUP=4s
OUT=""
BROKER_CPU=0
STOMP_PORT=61913

while [ $# -gt 0 ]; do
  case "$1" in
    --scenarios) SCENARIOS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --broker-cpu) BROKER_CPU="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "at-rest: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
command -v taskset >/dev/null || { echo "at-rest: taskset (util-linux) is needed" >&2; exit 1; }
CORES=$(nproc)
[ "$CORES" -ge 2 ] || { echo "at-rest: needs at least 2 cores to pin broker and load generator apart" >&2; exit 1; }
CLIENT_CPUS=$(seq 0 $((CORES - 1)) | grep -vx "$BROKER_CPU" | paste -sd, -)

WORK="$REPO/bench/target/at-rest"
OUT="${OUT:-$WORK/results-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$WORK" "$OUT"
log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$OUT/at-rest.log" >&2; }

build() {
  log "building the working tree ($(git -C "$REPO" rev-parse --short HEAD))"
  (cd "$REPO" && mvn -B -q -o -DskipTests package -pl server,bench -am) || (cd "$REPO" && mvn -B -q -DskipTests package -pl server,bench -am)
  rm -rf "$WORK/build" && mkdir -p "$WORK/build"
  cp -r "$REPO/server/target/ferrymq-server.jar" "$REPO/server/target/lib" "$REPO/bench/target/ferrymq-bench.jar" \
    "$REPO/conf/log4j2.xml" "$WORK/build/"
  rm -f "$WORK/at-rest.key"
  java -jar "$WORK/build/ferrymq-server.jar" keygen --out "$WORK/at-rest.key" >> "$OUT/at-rest.log"
}

listener_pid() {
  { ss -ltnpH "( sport = :$1 )" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; } || true
}

start_broker() {
  local side=$1 dir="$WORK/run-$1"
  rm -rf "$dir" && mkdir -p "$dir"
  cat > "$dir/broker.yaml" <<EOF
listeners:
  - name: stomp
    protocols: [stomp]
    host: 127.0.0.1
    port: $STOMP_PORT
storage:
  data-dir: $dir/data
EOF
  if [ "$side" = encrypted ]; then
    printf '  encryption:\n    key-file: %s\n' "$WORK/at-rest.key" >> "$dir/broker.yaml"
  fi
  (cd "$dir" && exec taskset -c "$BROKER_CPU" java -Xms512m -Xmx2g -Dferrymq.home="$dir" \
    -Dlog4j2.configurationFile="$WORK/build/log4j2.xml" -jar "$WORK/build/ferrymq-server.jar" run \
    --config "$dir/broker.yaml") > "$dir/console.log" 2>&1 &
  local i
  for i in $(seq 1 120); do
    BROKER_PID=$(listener_pid "$STOMP_PORT")
    [ -n "$BROKER_PID" ] && return 0
    sleep 0.5
  done
  echo "at-rest: the $side broker did not listen within 60 s; see $dir/console.log" >&2
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
  local scenario=$1 side=$2 round=$3 file="$OUT/$1/$2-$3.json"
  mkdir -p "$OUT/$scenario"
  start_broker "$side"
  if [ "$side" = encrypted ] && ! grep -q "Encryption at rest" "$WORK/run-$side/console.log" \
      && ! grep -rq "Encryption at rest" "$WORK/run-$side" 2>/dev/null; then
    log "WARNING: the encrypted broker did not log 'Encryption at rest'; see $WORK/run-$side"
  fi
  local status=0
  taskset -c "$CLIENT_CPUS" java ${BENCH_JAVA_OPTS:-} -jar "$WORK/build/ferrymq-bench.jar" run --protocol stomp \
    -P "$STOMP_PORT" --broker-pid "$BROKER_PID" --scenario "$scenario" --duration "$DURATION" --warmup "$WARMUP" \
    --label "$side" --json "$file" -q >> "$OUT/runs.log" 2>&1 || status=$?
  stop_broker
  [ "$status" = 0 ] || log "WARNING: $scenario $side (round $round) exited with $status; see $OUT/runs.log"
  log "$scenario round $round: $side done"
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
        side, _ = f[:-5].split('-', 1)
        r = json.load(open(os.path.join(out, scenario, f)))
        cpu_us = (r.get('brokerCpu') or {}).get('microsPerMessage', float('nan'))
        integ = r.get('integrity') or {}
        per.setdefault(side, []).append((r['received']['msgsPerSec'], cpu_us,
                                         integ.get('lost', 0), integ.get('duplicated', 0), integ.get('outOfOrder', 0)))
    row = [scenario]
    med = {}
    for side in ('plain', 'encrypted'):
        runs = per.get(side, [])
        if not runs:
            row.append('-'); continue
        rates = [x[0] for x in runs]; cpus = [x[1] for x in runs]
        med[side] = (statistics.median(rates), statistics.median(cpus))
        row.append('%s: %s msg/s (%s-%s), %.2f us CPU/msg, lost/dup/ooo %d/%d/%d' % (
            side, format(round(med[side][0]), ','), format(round(min(rates)), ','), format(round(max(rates)), ','),
            med[side][1], sum(x[2] for x in runs), sum(x[3] for x in runs), sum(x[4] for x in runs)))
    if 'plain' in med and 'encrypted' in med and med['plain'][0] and med['plain'][1]:
        row.append('throughput encrypted/plain %.2f, CPU/msg encrypted/plain %.2f' % (
            med['encrypted'][0] / med['plain'][0], med['encrypted'][1] / med['plain'][1]))
    lines.append(' | '.join(row))
print('\n'.join(lines))
PY
}

main() {
  bench_lock at-rest
  {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cores: $CORES (broker on $BROKER_CPU, load generator on $CLIENT_CPUS)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "java: $(java -version 2>&1 | head -1)"
    echo "revision: $(git -C "$REPO" rev-parse --short HEAD)"
    echo "scenarios: $SCENARIOS; rounds $ROUNDS; duration $DURATION; warm-up $WARMUP"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  } > "$OUT/machine.txt"
  build
  local round scenario
  for round in $(seq 1 "$ROUNDS"); do
    for scenario in ${SCENARIOS//,/ }; do
      run_one "$scenario" plain "$round"
      run_one "$scenario" encrypted "$round"
    done
  done
  echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
  summarise | tee "$OUT/summary.txt"
  log "results in $OUT"
}

main
