#!/usr/bin/env bash
# SQS side by side: the same SendMessageBatch / ReceiveMessage / DeleteMessageBatch load (ferrymq-bench sqs,
# AWS SDK for Java v2) run alternately against FerryMQ's SQS endpoint and ElasticMQ (FerryMQ, ElasticMQ,
# FerryMQ, ElasticMQ, ...), then the medians and the ratio line "sqs batch 10 clients: ferrymq/elasticmq = 1.4".
#
#   bench/sqs-side-by-side.sh                                 # 3 rounds of 20 s, 10 + 10 clients, 1 KiB messages
#   bench/sqs-side-by-side.sh --rounds 5 --duration 30s --fifo
#   FERRYMQ_OPTS="-XX:StartFlightRecording=filename=/tmp/ferry-sqs.jfr,settings=profile" bench/sqs-side-by-side.sh
#
# Options:
#   --rounds N         runs on each broker, alternating                        (default: 3)
#   --duration D       measured time per run (500ms, 20s, 2m)                   (default: 20s)
#   --warmup D         unmeasured time before it                                (default: 5s)
#   --clients N        producer clients and consumer clients, each              (default: 10)
#   --size N           message body characters                                  (default: 1024)
#   --fifo             a FIFO queue instead of a standard one
#   --storage S        FerryMQ's storage: journal (its default: durable, fsync before the answer) or memory
#                      (like ElasticMQ's default, which keeps queues in memory only)   (default: journal)
#   --out DIR          JSON results, logs and summary.txt  (default: bench/target/sqs-side-by-side/results-DATE)
#   --no-build         use the jars already built (server/target, bench/target)
#   --dist DIR         use the jars in DIR (ferrymq-server.jar, lib/, ferrymq-bench.jar) instead of building
#   -- ARGS            anything after -- goes to every 'ferrymq-bench sqs' run (e.g. -- --batch 5 --wait-time 0)
#
# Environment: FERRYMQ_OPTS (extra JVM options for FerryMQ, e.g. a JFR recording), ELASTICMQ_OPTS (for
# ElasticMQ), BENCH_JAVA_OPTS (for the load generator), FERRYMQ_BENCH_CACHE (downloads; default
# ~/.cache/ferrymq-bench).
#
# Each broker runs alone, started fresh (empty data directory) before each run and stopped after it, by its PID.
# Settings: both listen on 127.0.0.1 only, FerryMQ on 9334 (only its aws listener; its default 9324 is left to
# whatever else runs here), ElasticMQ 1.7.1 (org.elasticmq:elasticmq-server_2.13 from Maven Central) on 9424 with
# its statistics endpoint (default port 9325) switched off and its queue URLs pointing at 9424; both JVMs get
# -Xms512m -Xmx2g. Everything else is each broker's default: FerryMQ persists SQS messages to its journal with
# fsync (--storage memory to compare in-memory with in-memory), ElasticMQ keeps them in memory.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH_DIR")"
ELASTICMQ_VERSION=1.7.1
CACHE="${FERRYMQ_BENCH_CACHE:-$HOME/.cache/ferrymq-bench}"
WORK="$BENCH_DIR/target/sqs-side-by-side"

ROUNDS=3
DURATION=20s
WARMUP=5s
CLIENTS=10
SIZE=1024
FIFO=""
STORAGE=journal
OUT=""
BUILD=1
DIST=""
EXTRA=()

while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --clients) CLIENTS="$2"; shift 2 ;;
    --size) SIZE="$2"; shift 2 ;;
    --fifo) FIFO="--fifo"; shift ;;
    --storage) STORAGE="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --dist) DIST="$(cd "$2" && pwd)"; BUILD=0; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "sqs-side-by-side: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$STORAGE" in journal|memory) ;; *) echo "sqs-side-by-side: --storage is journal or memory" >&2; exit 2 ;; esac

BROKERS="ferrymq elasticmq"
declare -A PORT=([ferrymq]=9334 [elasticmq]=9424)
declare -A PIDS=()
TMP="$(mktemp -d "${TMPDIR:-/tmp}/ferrymq-sqs-bench.XXXXXX")"

log() { echo "[sqs-side-by-side $(date +%H:%M:%S)] $*" >&2; }
# shellcheck source=lib/side-by-side-common.sh
. "$BENCH_DIR/lib/side-by-side-common.sh"

# ------------------------------------------------------------------ ElasticMQ, FerryMQ

install_elasticmq() {
  ELASTICMQ_HOME="$CACHE/elasticmq-$ELASTICMQ_VERSION"
  if [ ! -f "$ELASTICMQ_HOME/lib/elasticmq-server_2.13-$ELASTICMQ_VERSION.jar" ]; then
    log "downloading ElasticMQ $ELASTICMQ_VERSION and its dependencies from Maven Central"
    mkdir -p "$ELASTICMQ_HOME"
    cp "$BENCH_DIR/peers/elasticmq/pom.xml" "$ELASTICMQ_HOME/pom.xml"
    (cd "$ELASTICMQ_HOME" && mvn -B -q dependency:copy-dependencies -DoutputDirectory="$ELASTICMQ_HOME/lib.tmp" \
      && rm -rf lib && mv lib.tmp lib)
  fi
}

build() {
  DISTDIR="$TMP/dist"
  prepare_dist "$DISTDIR"
}

bench() {
  # shellcheck disable=SC2086
  java ${BENCH_JAVA_OPTS:--Xmx1g} -jar "$DISTDIR/ferrymq-bench.jar" "$@"
}

prepare_instances() {
  mkdir -p "$TMP/ferrymq" "$TMP/elasticmq"
  cat > "$TMP/ferrymq/broker.yaml" <<EOF
storage:
  type: $STORAGE
  data-dir: $TMP/ferrymq/data
listeners:
  - name: aws
    protocols: [aws]
    host: 127.0.0.1
    port: ${PORT[ferrymq]}
EOF
  cat > "$TMP/elasticmq/elasticmq.conf" <<EOF
include classpath("application.conf")
node-address { protocol = http, host = "127.0.0.1", port = ${PORT[elasticmq]}, context-path = "" }
generate-node-address = false
rest-sqs { enabled = true, bind-port = ${PORT[elasticmq]}, bind-hostname = "127.0.0.1", sqs-limits = strict }
rest-stats { enabled = false }
EOF
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Ready means an SQS ListQueues (AWS JSON 1.0) gets an answer with a queue list.
sqs_ready() {
  curl -s -m 2 -X POST -H 'X-Amz-Target: AmazonSQS.ListQueues' -H 'Content-Type: application/x-amz-json-1.0' \
    -d '{}' "http://127.0.0.1:$1/" 2>/dev/null | grep -q '{'
}

start_broker() {
  local b=$1 dir="$TMP/$1" pid
  case $b in
    ferrymq)
      start_ferrymq "$DISTDIR" "$dir"
      pid=$!
      ;;
    elasticmq)
      # shellcheck disable=SC2086
      (cd "$dir" && exec java -Xms512m -Xmx2g ${ELASTICMQ_OPTS:-} -Dconfig.file="$dir/elasticmq.conf" \
        -cp "$ELASTICMQ_HOME/lib/*" org.elasticmq.server.Main) > "$dir/console.log" 2>&1 &
      pid=$!
      ;;
  esac
  PIDS[$b]=$pid
  BROKER_PID=$pid
  local i
  for i in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || { echo "sqs-side-by-side: $b exited; see $dir/console.log" >&2; tail -20 "$dir/console.log" >&2; exit 1; }
    sqs_ready "${PORT[$b]}" && return 0
    sleep 0.5
  done
  echo "sqs-side-by-side: $b did not answer ListQueues on port ${PORT[$b]} within 60 s; see $dir/console.log" >&2
  tail -20 "$dir/console.log" >&2 || true
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

# ------------------------------------------------------------------ runs

run_one() {
  local b=$1 round=$2 file="$OUT/$1-$2.json" status=0
  start_broker "$b"
  log "round $round: $b (pid $BROKER_PID)"
  pin_broker "$BROKER_PID"
  # --broker-pid: the broker's CPU time in the window, per message (a steadier measure than msg/s on a shared machine)
  # shellcheck disable=SC2086
  bench sqs -P "${PORT[$b]}" -n "$CLIENTS" -s "$SIZE" $FIFO --duration "$DURATION" --warmup "$WARMUP" \
    --broker-pid "$BROKER_PID" --label "$b" --json "$file" "${EXTRA[@]}" >> "$OUT/runs.log" 2>&1 || status=$?
  stop_broker "$b"
  mkdir -p "$OUT/logs/$b-$round"
  cp "$TMP/$b/console.log" "$OUT/logs/$b-$round/" 2>/dev/null || true
  [ "$status" = 0 ] || log "WARNING: $b (round $round) exited with $status; see $OUT/runs.log"
}

per_run_table() {
  command -v jq >/dev/null || return 0
  echo
  echo "per run: msg/s sent / received / deleted; request latency p50/p99 ms; lost (accepted) / duplicated; errors;"
  echo "broker CPU in the window: µs per message (each sent, received and deleted once), and cores used"
  local f
  for f in "$@"; do
    jq -r '[.label, (.sent.msgsPerSec|floor), (.received.msgsPerSec|floor), (.deleted.msgsPerSec|floor),
            ((.actionLatencyMicros.SendMessageBatch.p50/10|floor)/100), ((.actionLatencyMicros.SendMessageBatch.p99/10|floor)/100),
            ((.actionLatencyMicros.ReceiveMessage.p50/10|floor)/100), ((.actionLatencyMicros.ReceiveMessage.p99/10|floor)/100),
            ((.actionLatencyMicros.DeleteMessageBatch.p50/10|floor)/100), ((.actionLatencyMicros.DeleteMessageBatch.p99/10|floor)/100),
            .integrity.lostConfirmed, .integrity.duplicated, .errors.count,
            (.brokerCpuMicrosPerMessage|floor), ((.brokerCpuSeconds / .measuredSeconds * 100|floor)/100)]
           | "\(.[0])\tsent \(.[1])\treceived \(.[2])\tdeleted \(.[3])\tsend \(.[4])/\(.[5])\treceive \(.[6])/\(.[7])\tdelete \(.[8])/\(.[9])\tlost \(.[10]) dup \(.[11])\terrors \(.[12])\tcpu \(.[13]) µs/msg, \(.[14]) cores"' "$f"
  done
  echo
  echo "median broker CPU per message (µs):"
  local b
  for b in $BROKERS; do
    for f in "$OUT/$b"-*.json; do
      [ -f "$f" ] && jq -r 'select(.brokerCpuMicrosPerMessage > 0) | .brokerCpuMicrosPerMessage' "$f"
    done | sort -g | awk -v b="$b" '{ v[NR] = $1 } END { if (NR) printf "  %-10s %.0f  (%d runs)\n", b,
        (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), NR }'
  done
}

main() {
  command -v curl >/dev/null || { echo "sqs-side-by-side: needs curl" >&2; exit 1; }
  trap cleanup EXIT
  trap 'exit 143' INT TERM
  install_elasticmq
  build
  prepare_instances
  for b in $BROKERS; do
    ! port_busy "${PORT[$b]}" || { echo "sqs-side-by-side: port ${PORT[$b]} ($b) is already in use" >&2; exit 1; }
  done

  OUT="${OUT:-$WORK/results-$(date +%Y%m%d-%H%M%S)}"
  mkdir -p "$OUT"
  {
    machine_info
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "brokers: ferrymq (storage $STORAGE), elasticmq $ELASTICMQ_VERSION; rounds $ROUNDS; duration $DURATION;" \
      "warm-up $WARMUP; clients $CLIENTS; size $SIZE${FIFO:+; fifo}${EXTRA[*]:+; extra: ${EXTRA[*]}}"
  } > "$OUT/machine.txt"
  log "results in $OUT"

  for round in $(seq 1 "$ROUNDS"); do
    for b in $BROKERS; do
      run_one "$b" "$round"
    done
  done

  local files=() f
  for b in $BROKERS; do
    for f in "$OUT/$b"-*.json; do [ -f "$f" ] && files+=("$f"); done
  done
  [ ${#files[@]} -gt 0 ] || { echo "sqs-side-by-side: no results" >&2; exit 1; }
  {
    cat "$OUT/machine.txt"
    echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    bench compare --baseline ferrymq "${files[@]}"
    per_run_table "${files[@]}"
  } | tee "$OUT/summary.txt"
}

main
