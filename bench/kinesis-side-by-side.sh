#!/usr/bin/env bash
# Kinesis side by side: the same load (ferrymq-bench kinesis, AWS SDK for Java v2) run alternately against
# FerryMQ's Kinesis endpoint and kinesis-mock (npm kinesis-local 0.6.2, the emulator users run locally):
# PutRecords throughput (records/s, MB/s), then GetRecords catch-up over what was written (records/s, MB/s),
# then, on FerryMQ only, SubscribeToShard put->event latency; then the medians and FerryMQ/kinesis-mock ratios.
#
#   bench/kinesis-side-by-side.sh                          # 3 rounds of 20 s, 8 clients, batches of 100 x 512 B
#   bench/kinesis-side-by-side.sh --rounds 1 --duration 3s --no-build     # a quick check that it runs
#
# Options:
#   --rounds N       runs on each emulator, alternating                      (default: 3)
#   --duration D     PutRecords phase per run (3s, 20s, 1m)                  (default: 20s)
#   --clients N      PutRecords clients                                      (default: 8)
#   --shards N       shards of the stream                                    (default: 4)
#   --batch N        records per PutRecords                                  (default: 100)
#   --size N         record bytes                                            (default: 512)
#   --out DIR        JSON results, logs and summary.txt (default: bench/target/kinesis-side-by-side/results-DATE)
#   --no-build       use the jars already built (server/target, bench/target)
#   --dist DIR       use the jars in DIR (ferrymq-server.jar, lib/, ferrymq-bench.jar) instead of building
#
# Environment: FERRYMQ_OPTS (extra JVM options for FerryMQ), BENCH_JAVA_OPTS (for the load generator),
# FERRYMQ_BENCH_CACHE (downloads; default ~/.cache/ferrymq-bench). Needs node and npm for kinesis-mock.
#
# Settings: both on 127.0.0.1 only, FerryMQ on 9335 (aws listener only, journal storage with fsync, Kinesis
# per-shard limits off as kinesis-mock has none), kinesis-mock on its plain-HTTP port 4578 with its defaults
# (in memory, no persistence; its CREATE_STREAM_DURATION lowered to 100ms so runs do not wait for it).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH_DIR")"
KINESIS_LOCAL_VERSION=0.6.2
CACHE="${FERRYMQ_BENCH_CACHE:-$HOME/.cache/ferrymq-bench}"
WORK="$BENCH_DIR/target/kinesis-side-by-side"

ROUNDS=3
DURATION=20s
CLIENTS=8
SHARDS=4
BATCH=100
SIZE=512
OUT=""
BUILD=1
DIST=""
INSTALL=1

while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --clients) CLIENTS="$2"; shift 2 ;;
    --shards) SHARDS="$2"; shift 2 ;;
    --batch) BATCH="$2"; shift 2 ;;
    --size) SIZE="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --dist) DIST="$(cd "$2" && pwd)"; BUILD=0; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "kinesis-side-by-side: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

BROKERS="ferrymq kinesis-mock"
declare -A PORT=([ferrymq]=9335 [kinesis-mock]=4578)
declare -A PIDS=()
TMP="$(mktemp -d "${TMPDIR:-/tmp}/ferrymq-kinesis-bench.XXXXXX")"

log() { echo "[kinesis-side-by-side $(date +%H:%M:%S)] $*" >&2; }
# shellcheck source=lib/side-by-side-common.sh
. "$BENCH_DIR/lib/side-by-side-common.sh"

install_kinesis_mock() {
  KINESIS_LOCAL="$CACHE/kinesis-local-$KINESIS_LOCAL_VERSION/node_modules/kinesis-local/main.js"
  if [ ! -f "$KINESIS_LOCAL" ]; then
    command -v npm >/dev/null || { echo "kinesis-side-by-side: npm is needed for kinesis-mock" >&2; exit 1; }
    log "installing kinesis-local $KINESIS_LOCAL_VERSION from npm"
    mkdir -p "$CACHE/kinesis-local-$KINESIS_LOCAL_VERSION"
    npm install --no-audit --no-fund --prefix "$CACHE/kinesis-local-$KINESIS_LOCAL_VERSION" \
      "kinesis-local@$KINESIS_LOCAL_VERSION" >&2
  fi
}

bench() {
  # shellcheck disable=SC2086
  java ${BENCH_JAVA_OPTS:--Xmx1g} -jar "$DISTDIR/ferrymq-bench.jar" "$@"
}

prepare_instances() {
  mkdir -p "$TMP/ferrymq" "$TMP/kinesis-mock"
  cat > "$TMP/ferrymq/broker.yaml" <<YAML
storage:
  data-dir: $TMP/ferrymq/data
listeners:
  - name: aws
    protocols: [aws]
    host: 127.0.0.1
    port: ${PORT[ferrymq]}
aws:
  kinesis-throughput-limits: false
YAML
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Ready means a Kinesis ListStreams (AWS JSON 1.1, unsigned) gets a Kinesis answer: the stream list from FerryMQ
# (unsigned requests from loopback are accepted), MissingAuthenticationTokenException from kinesis-mock.
kinesis_ready() {
  curl -s -m 2 -X POST -H 'X-Amz-Target: Kinesis_20131202.ListStreams' -H 'Content-Type: application/x-amz-json-1.1' \
    -d '{}' "http://127.0.0.1:$1/" 2>/dev/null | grep -q 'StreamNames\|__type'
}

start_broker() {
  local b=$1 dir="$TMP/$1" pid
  case $b in
    ferrymq)
      start_ferrymq "$DISTDIR" "$dir"
      pid=$!
      ;;
    kinesis-mock)
      # It reads its server.json from the working directory: its package's.
      (cd "$(dirname "$KINESIS_LOCAL")" && KINESIS_MOCK_PLAIN_PORT=${PORT[kinesis-mock]} KINESIS_MOCK_TLS_PORT=$((PORT[kinesis-mock] + 1)) \
        CREATE_STREAM_DURATION=100ms DELETE_STREAM_DURATION=100ms REGISTER_STREAM_CONSUMER_DURATION=100ms \
        LOG_LEVEL=WARN exec node "$KINESIS_LOCAL") > "$dir/console.log" 2>&1 &
      pid=$!
      ;;
  esac
  PIDS[$b]=$pid
  BROKER_PID=$pid
  local i
  for i in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || { echo "kinesis-side-by-side: $b exited; see $dir/console.log" >&2; tail -20 "$dir/console.log" >&2; exit 1; }
    kinesis_ready "${PORT[$b]}" && return 0
    sleep 0.5
  done
  echo "kinesis-side-by-side: $b did not answer ListStreams on port ${PORT[$b]} within 60 s; see $dir/console.log" >&2
  exit 1
}

stop_broker() {
  stop_pid "$1" "${PIDS[$1]:-}"
  PIDS[$1]=""
}

cleanup() {
  set +e
  for b in $BROKERS; do stop_broker "$b"; done
  rm -rf "$TMP"
}

run_one() {
  local b=$1 round=$2 file="$OUT/$1-$2.json" status=0 subscribe=""
  # kinesis-mock serves SubscribeToShard over HTTP/2 on its TLS port only: the latency is FerryMQ's alone.
  [ "$b" = ferrymq ] && subscribe="--subscribe"
  start_broker "$b"
  log "round $round: $b (pid $BROKER_PID)"
  bench kinesis --endpoint-url "http://127.0.0.1:${PORT[$b]}" -n "$CLIENTS" --shards "$SHARDS" -b "$BATCH" \
    -s "$SIZE" --duration "$DURATION" $subscribe --label "$b" --json "$file" >> "$OUT/runs.log" 2>&1 || status=$?
  stop_broker "$b"
  mkdir -p "$OUT/logs/$b-$round"
  cp "$TMP/$b/console.log" "$OUT/logs/$b-$round/" 2>/dev/null || true
  [ "$status" = 0 ] || log "WARNING: $b (round $round) exited with $status; see $OUT/runs.log"
}

median() { sort -g | awk '{v[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

summary() {
  command -v jq >/dev/null || { echo "(install jq for the summary; the JSON results are in $OUT)"; return 0; }
  machine_info
  echo "load: $CLIENTS PutRecords clients, batches of $BATCH x $SIZE B, $SHARDS shards, $DURATION per run, $ROUNDS rounds"
  local b metric
  declare -A M
  for b in $BROKERS; do
    for metric in '.putRecords.recordsPerSec' '.putRecords.mbPerSec' '.getRecordsCatchUp.recordsPerSec' \
        '.getRecordsCatchUp.mbPerSec'; do
      M[$b$metric]=$(cat "$OUT/$b"-*.json 2>/dev/null | jq -r "$metric // empty" | median)
    done
    echo "$b: PutRecords ${M[$b.putRecords.recordsPerSec]} records/s (${M[$b.putRecords.mbPerSec]} MB/s);" \
      "GetRecords catch-up ${M[$b.getRecordsCatchUp.recordsPerSec]} records/s (${M[$b.getRecordsCatchUp.mbPerSec]} MB/s)"
  done
  for metric in '.putRecords.recordsPerSec' '.getRecordsCatchUp.recordsPerSec'; do
    echo "ratio ${metric#.}: ferrymq/kinesis-mock = $(awk -v a="${M[ferrymq$metric]}" -v b="${M[kinesis-mock$metric]}" \
      'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }')"
  done
  local lat
  lat=$(cat "$OUT"/ferrymq-*.json | jq -r '.subscribeToShardLatency.p50Ms // empty' | median)
  echo "ferrymq SubscribeToShard put->event latency p50: $lat ms (PutRecord round trip included)"
}

for b in $BROKERS; do
  if port_busy "${PORT[$b]}"; then
    echo "kinesis-side-by-side: port ${PORT[$b]} ($b) is in use" >&2
    exit 1
  fi
done
[ -n "$OUT" ] || OUT="$WORK/results-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
trap cleanup EXIT
install_kinesis_mock
DISTDIR="$TMP/dist"
prepare_dist "$DISTDIR"
prepare_instances
for round in $(seq 1 "$ROUNDS"); do
  for b in $BROKERS; do run_one "$b" "$round"; done
done
summary | tee "$OUT/summary.txt"
