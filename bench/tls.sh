#!/usr/bin/env bash
# TLS against plaintext on one FerryMQ build in one run: each scenario runs alternately over plaintext, over TLS
# with the OpenSSL engine (netty-tcnative, BoringSSL: what the broker uses where it loads) and over TLS with the
# JDK's engine (forced with -Dferrymq.tls.engine=jdk), a fresh broker for each run, the broker pinned to one core
# and the load generator to the others, as bench/ab.sh does. Then TLS handshakes per second against the STOMP TLS
# listener, full handshakes and resumed ones, with each engine.
#
#   bench/tls.sh                                                          # 3 rounds of 10 s per scenario and mode
#   bench/tls.sh --rounds 1 --duration 5s --warmup 2s --handshake-duration 5s
#
# Options:
#   --scenarios LIST          STOMP, MQTT, AMQP 1.0 or AMQP 0-9-1 scenario names from 'ferrymq-bench scenarios'
#                             (default: stomp-queue-10x10,mqtt-qos0-10x10,amqp-queue-10x10)
#   --modes LIST              from plain, openssl, jdk (default: all three)
#   --rounds N                runs of each scenario in each mode (default: 3)
#   --duration D, --warmup D  measured time and unmeasured warm-up per run (default: 10s, 4s)
#   --handshake-threads N     client threads of the handshake loop (default: 4)
#   --handshake-duration D    measured time of each handshake run (default: 10s; 0 skips the handshake runs)
#   --out DIR                 where results go (default: bench/target/tls/results-DATE)
#   --no-build                use the jars already in server/target and bench/target
#   --broker-cpu N            the core the broker is pinned to (default: 0); the load generator gets the others
#
# The certificate is a fresh 'ferrymq tls self-signed' one (an EC P-256 key), trusted by the load generator through
# --tls-ca. TLS 1.3 with the broker's default ciphers; the client side is the same in every TLS mode (each protocol's
# client library), so only the broker's engine differs. Handshakes: 'ferrymq-bench handshakes' (JDK client, TLS 1.3,
# host name verified), each connection closed right after its handshake.
# Summary per scenario: median msg/s and broker CPU us/msg per mode and the ratios tls/plain; per handshake run:
# handshakes/s and broker CPU us/handshake.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/one-at-a-time.sh
. "$BENCH_DIR/lib/one-at-a-time.sh"
REPO="$(dirname "$BENCH_DIR")"
SCENARIOS="stomp-queue-10x10,mqtt-qos0-10x10,amqp-queue-10x10"
MODES="plain,openssl,jdk"
ROUNDS=3
DURATION=10s
WARMUP=4s
HS_THREADS=4
HS_DURATION=10s
OUT=""
BUILD=1
BROKER_CPU=0
declare -A PLAIN_PORT=([stomp]=62613 [mqtt]=62883 [amqp]=62672 [amqp091]=62673)
declare -A TLS_PORT=([stomp]=62614 [mqtt]=62884 [amqp]=62671 [amqp091]=62674)

while [ $# -gt 0 ]; do
  case "$1" in
    --scenarios) SCENARIOS="$2"; shift 2 ;;
    --modes) MODES="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --handshake-threads) HS_THREADS="$2"; shift 2 ;;
    --handshake-duration) HS_DURATION="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --broker-cpu) BROKER_CPU="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "tls-bench: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
command -v taskset >/dev/null || { echo "tls-bench: taskset (util-linux) is needed" >&2; exit 1; }
CORES=$(nproc)
[ "$CORES" -ge 2 ] || { echo "tls-bench: needs at least 2 cores to pin broker and load generator apart" >&2; exit 1; }
CLIENT_CPUS=$(seq 0 $((CORES - 1)) | grep -vx "$BROKER_CPU" | paste -sd, -)

WORK="$REPO/bench/target/tls"
OUT="${OUT:-$WORK/results-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$WORK" "$OUT"
log() { echo "[tls-bench $(date +%H:%M:%S)] $*" | tee -a "$OUT/tls.log" >&2; }

protocol_of() {
  case "$1" in
    mqtt-*) echo mqtt ;;
    amqp091-*) echo amqp091 ;;
    amqp-*) echo amqp ;;
    stomp-*) echo stomp ;;
    *) echo "tls-bench: $1 is not a STOMP, MQTT or AMQP scenario" >&2; exit 2 ;;
  esac
}

# Jars copied into $WORK/dist so that a rebuild during the run cannot change what runs; a fresh CA and certificate.
prepare() {
  if [ "$BUILD" = 1 ]; then
    log "building the server and the load generator"
    (cd "$REPO" && mvn -B -q -o -DskipTests package -pl server,bench -am) \
      || (cd "$REPO" && mvn -B -q -DskipTests package -pl server,bench -am)
  fi
  rm -rf "$WORK/dist" && mkdir -p "$WORK/dist"
  cp -r "$REPO/server/target/ferrymq-server.jar" "$REPO/server/target/lib" "$REPO/bench/target/ferrymq-bench.jar" \
    "$WORK/dist/"
  cp "$REPO/conf/log4j2.xml" "$WORK/dist/"
  rm -rf "$WORK/certs"
  java -jar "$WORK/dist/ferrymq-server.jar" tls self-signed --dir "$WORK/certs" > /dev/null
  {
    echo "tls:"
    echo "  certificate: $WORK/certs/server.pem"
    echo "  key: $WORK/certs/server.key"
    echo "listeners:"
    local p
    for p in stomp mqtt amqp amqp091; do
      echo "  - {name: $p, protocols: [$p], host: 127.0.0.1, port: ${PLAIN_PORT[$p]}}"
      echo "  - {name: $p-tls, protocols: [$p], host: 127.0.0.1, port: ${TLS_PORT[$p]}, tls: true}"
    done
  } > "$WORK/broker.yaml"
}

listener_pid() {
  { ss -ltnpH "( sport = :$1 )" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; } || true
}

# Starts a fresh broker whose TLS listeners use engine $1 (plain and openssl: the default engine; jdk: forced).
start_broker() {
  local mode=$1 dir="$WORK/run" engine=auto
  [ "$mode" = jdk ] && engine=jdk
  rm -rf "$dir" && mkdir -p "$dir"
  (cd "$dir" && exec taskset -c "$BROKER_CPU" java -Xms512m -Xmx2g -Dferrymq.home="$dir" \
    -Dferrymq.tls.engine="$engine" -Dlog4j2.configurationFile="$WORK/dist/log4j2.xml" \
    -jar "$WORK/dist/ferrymq-server.jar" run --config "$WORK/broker.yaml") > "$dir/console.log" 2>&1 &
  local i p ready
  for i in $(seq 1 120); do
    ready=1
    for p in "${PLAIN_PORT[@]}" "${TLS_PORT[@]}"; do
      [ -n "$(listener_pid "$p")" ] || { ready=0; break; }
    done
    if [ "$ready" = 1 ]; then
      BROKER_PID=$(listener_pid "${PLAIN_PORT[stomp]}")
      return 0
    fi
    sleep 0.5
  done
  echo "tls-bench: the broker did not listen within 60 s; see $dir/console.log" >&2
  tail -20 "$dir/console.log" >&2 || true
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

bench() {
  taskset -c "$CLIENT_CPUS" java ${BENCH_JAVA_OPTS:--Xmx1g} -jar "$WORK/dist/ferrymq-bench.jar" "$@"
}

# The engine the broker's log says its TLS listeners use (OPENSSL or JDK).
engine_in_log() {
  grep -o 'with the [A-Z]* engine' "$WORK/run/console.log" "$WORK/run/logs/"*.log 2>/dev/null | head -1 | awk '{print $3}'
}

run_one() {
  local scenario=$1 mode=$2 round=$3 protocol port tls=() status=0
  protocol=$(protocol_of "$scenario")
  mkdir -p "$OUT/$scenario"
  if [ "$mode" = plain ]; then
    port=${PLAIN_PORT[$protocol]}
  else
    port=${TLS_PORT[$protocol]}
    tls=(--tls-ca "$WORK/certs/ca.pem")
  fi
  start_broker "$mode"
  bench run --protocol "$protocol" -P "$port" "${tls[@]}" --broker-pid "$BROKER_PID" --scenario "$scenario" \
    --duration "$DURATION" --warmup "$WARMUP" --label "$mode" --json "$OUT/$scenario/$mode-$round.json" -q \
    >> "$OUT/runs.log" 2>&1 || status=$?
  [ "$mode" = plain ] || echo "$mode $(engine_in_log)" >> "$OUT/engines.txt"
  stop_broker
  [ "$status" = 0 ] || log "WARNING: $scenario over $mode (round $round) exited with $status; see $OUT/runs.log"
  log "$scenario round $round: $mode done"
}

handshakes() {
  local mode=$1 resumption=$2 status=0
  mkdir -p "$OUT/handshakes"
  start_broker "$mode"
  bench handshakes -P "${TLS_PORT[stomp]}" --tls-ca "$WORK/certs/ca.pem" -n "$HS_THREADS" "--$resumption" \
    --broker-pid "$BROKER_PID" --duration "$HS_DURATION" --warmup 3s --label "$mode" \
    --json "$OUT/handshakes/$mode-$resumption.json" >> "$OUT/runs.log" 2>&1 || status=$?
  echo "$mode $(engine_in_log)" >> "$OUT/engines.txt"
  stop_broker
  [ "$status" = 0 ] || log "WARNING: handshakes over $mode ($resumption) exited with $status; see $OUT/runs.log"
  log "handshakes $mode $resumption done"
}

summarise() {
  python3 - "$OUT" <<'PY'
import json, os, statistics, sys
out = sys.argv[1]
lines = []
for scenario in sorted(d for d in os.listdir(out) if os.path.isdir(os.path.join(out, d)) and d != 'handshakes'):
    per = {}
    for f in sorted(os.listdir(os.path.join(out, scenario))):
        if f.endswith('.json'):
            mode = f[:-5].rsplit('-', 1)[0]
            r = json.load(open(os.path.join(out, scenario, f)))
            per.setdefault(mode, []).append((r['received']['msgsPerSec'],
                                             (r.get('brokerCpu') or {}).get('microsPerMessage', float('nan'))))
    med = {m: (statistics.median(x[0] for x in runs), statistics.median(x[1] for x in runs)) for m, runs in per.items()}
    row = [scenario]
    for m in ('plain', 'openssl', 'jdk'):
        if m in med:
            row.append('%s %s msg/s, %.2f us CPU/msg' % (m, format(round(med[m][0]), ','), med[m][1]))
    for m in ('openssl', 'jdk'):
        if m in med and 'plain' in med:
            row.append('%s/plain: throughput %.2f, CPU/msg %.2f' % (m, med[m][0] / med['plain'][0],
                                                                   med[m][1] / med['plain'][1]))
    lines.append(' | '.join(row))
hs = os.path.join(out, 'handshakes')
if os.path.isdir(hs):
    for f in sorted(os.listdir(hs)):
        r = json.load(open(os.path.join(hs, f)))
        cpu = r.get('brokerCpuMicrosPerHandshake')
        lines.append('handshakes %s (%s, %d threads, resumption %s): %s/s, %s us broker CPU/handshake, %d resumed, %d failed' % (
            r.get('label'), '+'.join(r['protocols']), r['threads'], 'on' if r['resumption'] else 'off',
            format(round(r['handshakesPerSecond']), ','), '-' if cpu is None else '%.0f' % cpu, r['resumed'], r['failures']))
print('\n'.join(lines))
PY
}

main() {
  bench_lock tls
  prepare
  {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cores: $CORES (broker on $BROKER_CPU, load generator on $CLIENT_CPUS)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "java: $(java -version 2>&1 | head -1)"
    echo "build: $(git -C "$REPO" rev-parse --short HEAD)"
    echo "scenarios: $SCENARIOS; modes $MODES; rounds $ROUNDS; duration $DURATION; warm-up $WARMUP"
    echo "handshakes: $HS_THREADS threads, $HS_DURATION"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  } > "$OUT/machine.txt"
  local round scenario mode
  for round in $(seq 1 "$ROUNDS"); do
    for scenario in ${SCENARIOS//,/ }; do
      for mode in ${MODES//,/ }; do
        run_one "$scenario" "$mode" "$round"
      done
    done
  done
  if [ "$HS_DURATION" != 0 ] && [ "$HS_DURATION" != 0s ]; then
    for mode in ${MODES//,/ }; do
      [ "$mode" = plain ] && continue
      handshakes "$mode" no-resumption
      handshakes "$mode" resumption
    done
  fi
  echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
  echo "engines seen in the broker logs: $(sort -u "$OUT/engines.txt" 2>/dev/null | paste -sd, -)" >> "$OUT/machine.txt"
  cat "$OUT/machine.txt"
  summarise | tee "$OUT/summary.txt"
  log "results in $OUT"
}

main
