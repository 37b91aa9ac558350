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
REPO="$(dirname "$BENCH_DIR")"
NAME=at-rest
# shellcheck source=lib/pinned-runs.sh
. "$BENCH_DIR/lib/pinned-runs.sh"
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
runs_init

build() {
  log "building the working tree ($(git -C "$REPO" rev-parse --short HEAD))"
  build_tree "$REPO"
  copy_dist "$REPO" "$WORK/build"
  rm -f "$WORK/at-rest.key"
  java -jar "$WORK/build/ferrymq-server.jar" keygen --out "$WORK/at-rest.key" >> "$OUT/at-rest.log"
}

# The configuration of the plain or the encrypted side in $2.
write_config() {
  local side=$1 dir=$2
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
}

run_one() {
  local scenario=$1 side=$2 round=$3 file="$OUT/$1/$2-$3.json"
  mkdir -p "$OUT/$scenario"
  local dir="$WORK/run-$side"
  fresh_dir "$dir"
  write_config "$side" "$dir"
  start_broker "$WORK/build" "$dir" "$dir/broker.yaml" "$STOMP_PORT"
  if [ "$side" = encrypted ] && ! grep -q "Encryption at rest" "$WORK/run-$side/console.log" \
      && ! grep -rq "Encryption at rest" "$WORK/run-$side" 2>/dev/null; then
    log "WARNING: the encrypted broker did not log 'Encryption at rest'; see $WORK/run-$side"
  fi
  local status=0
  bench_client "$WORK/build" run --protocol stomp \
    -P "$STOMP_PORT" --broker-pid "$BROKER_PID" --scenario "$scenario" --duration "$DURATION" --warmup "$WARMUP" \
    --label "$side" --json "$file" -q >> "$OUT/runs.log" 2>&1 || status=$?
  stop_broker
  [ "$status" = 0 ] || log "WARNING: $scenario $side (round $round) exited with $status; see $OUT/runs.log"
  log "$scenario round $round: $side done"
}

main() {
  bench_lock at-rest
  machine_header "revision: $(git -C "$REPO" rev-parse --short HEAD)" \
    "scenarios: $SCENARIOS; rounds $ROUNDS; duration $DURATION; warm-up $WARMUP"
  build
  local round scenario
  for round in $(seq 1 "$ROUNDS"); do
    for scenario in ${SCENARIOS//,/ }; do
      run_one "$scenario" plain "$round"
      run_one "$scenario" encrypted "$round"
    done
  done
  machine_footer
  summarise_sides plain encrypted | tee "$OUT/summary.txt"
  log "results in $OUT"
}

main
