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
#   --rate R                  open-loop load: total msg/s of every run (N), or per scenario (SCENARIO=N,...; others
#                             as fast as they go); default as fast as the confirm window allows. At one fixed rate
#                             below both modes' maximum, plain and TLS runs compare the broker's CPU per message at
#                             the same batching (a lower rate spreads each wake-up's fixed cost over fewer messages)
#   --handshake-threads N     client threads of the handshake loop (default: 4)
#   --handshake-duration D    measured time of each handshake run (default: 10s; 0 skips the handshake runs)
#   --count-syscalls          count the broker's system calls with perf stat over the middle of each measured window
#                             (from warm-up + 3 s, for duration - 5 s) and give them per message in the summary
#   --out DIR                 where results go (default: bench/target/tls/results-DATE)
#   --no-build                use the jars already in server/target and bench/target
#   --broker-cpu N            the core the broker is pinned to (default: 0); the load generator gets the others
#
# The certificate is a fresh 'ferrymq tls self-signed' one (an EC P-256 key), trusted by the load generator through
# --tls-ca. TLS 1.3 with the broker's default ciphers; the client side is the same in every TLS mode (each protocol's
# client library), so only the broker's engine differs. Handshakes: 'ferrymq-bench handshakes' (JDK client, TLS 1.3,
# host name verified), each connection closed right after its handshake.
# Summary per scenario: median msg/s and broker CPU us/msg per mode and the ratios tls/plain; then per scenario and
# mode the broker's CPU us/msg without its JIT compiler threads (and their share), its context switches per message,
# and the load generator's CPU us/msg and cores used (1.00: its one core was the limit, not the broker), the
# broker's CPU us/msg per thread group (event loops, queue workers, GC, compilers), with --count-syscalls its system
# calls per message; per handshake run: handshakes/s and broker CPU us/handshake.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH_DIR")"
NAME=tls
# shellcheck source=lib/pinned-runs.sh
. "$BENCH_DIR/lib/pinned-runs.sh"
SCENARIOS="stomp-queue-10x10,mqtt-qos0-10x10,amqp-queue-10x10"
MODES="plain,openssl,jdk"
ROUNDS=3
DURATION=10s
WARMUP=4s
RATE=""
COUNT_SYSCALLS=0
SYSCALLS="raw_syscalls:sys_enter,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait,syscalls:sys_enter_read,syscalls:sys_enter_write,syscalls:sys_enter_writev,syscalls:sys_enter_sendto,syscalls:sys_enter_recvfrom,syscalls:sys_enter_futex"
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
    --rate) RATE="$2"; shift 2 ;;
    --count-syscalls) COUNT_SYSCALLS=1; shift ;;
    --handshake-threads) HS_THREADS="$2"; shift 2 ;;
    --handshake-duration) HS_DURATION="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --broker-cpu) BROKER_CPU="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "tls-bench: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
runs_init
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx1g}"

protocol_of() {
  case "$1" in
    mqtt-*) echo mqtt ;;
    amqp091-*) echo amqp091 ;;
    amqp-*) echo amqp ;;
    stomp-*) echo stomp ;;
    *) echo "tls-bench: $1 is not a STOMP, MQTT or AMQP scenario" >&2; exit 2 ;;
  esac
}

# The rate (msg/s) of scenario $1 from --rate, or nothing for as fast as it goes.
rate_of() {
  local entry
  case "$RATE" in
    "") return 0 ;;
    *=*) for entry in ${RATE//,/ }; do [ "${entry%%=*}" = "$1" ] && echo "${entry#*=}"; done; return 0 ;;
    *) echo "$RATE" ;;
  esac
}

# Seconds of a duration given as N or Ns.
seconds_of() {
  echo "${1%s}"
}

# Counts the broker's system calls (perf stat) in the middle of the measured window of the run starting now, into
# $1: the load generator's start and connections take a few seconds, so the count starts 3 s into the window and
# stops 2 s before its end. The seconds counted go in the file's first line.
count_syscalls() {
  local file=$1 warm dur
  warm=$(seconds_of "$WARMUP"); dur=$(seconds_of "$DURATION")
  [ "$dur" -gt 5 ] || { log "--count-syscalls needs a duration over 5 s"; return 0; }
  (
    sleep $((warm + 3))
    echo "seconds $((dur - 5))" > "$file"
    perf stat -x, -e "$SYSCALLS" -p "$BROKER_PID" -- sleep $((dur - 5)) 2>> "$file" > /dev/null || true
  ) &
  COUNT_PID=$!
}

# Jars copied into $WORK/dist so that a rebuild during the run cannot change what runs; a fresh CA and certificate.
prepare() {
  if [ "$BUILD" = 1 ]; then
    log "building the server and the load generator"
    build_tree "$REPO"
  fi
  copy_dist "$REPO" "$WORK/dist"
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

# Starts a fresh broker whose TLS listeners use engine $1 (plain and openssl: the default engine; jdk: forced).
start_tls_broker() {
  local engine=auto
  [ "$1" = jdk ] && engine=jdk
  fresh_dir "$WORK/run"
  start_broker "$WORK/dist" "$WORK/run" "$WORK/broker.yaml" "${PLAIN_PORT[stomp]} ${PLAIN_PORT[*]} ${TLS_PORT[*]}" \
    -Dferrymq.tls.engine="$engine"
}

bench() {
  bench_client "$WORK/dist" "$@"
}

# The engine the broker's log says its TLS listeners use (OPENSSL or JDK).
engine_in_log() {
  grep -o 'with the [A-Z]* engine' "$WORK/run/console.log" "$WORK/run/logs/"*.log 2>/dev/null | head -1 | awk '{print $3}'
}

run_one() {
  local scenario=$1 mode=$2 round=$3 protocol port tls=() rate=() status=0
  protocol=$(protocol_of "$scenario")
  [ -z "$(rate_of "$scenario")" ] || rate=(--rate "$(rate_of "$scenario")")
  mkdir -p "$OUT/$scenario"
  if [ "$mode" = plain ]; then
    port=${PLAIN_PORT[$protocol]}
  else
    port=${TLS_PORT[$protocol]}
    tls=(--tls-ca "$WORK/certs/ca.pem")
  fi
  start_tls_broker "$mode"
  [ "$COUNT_SYSCALLS" = 0 ] || count_syscalls "$OUT/$scenario/$mode-$round.syscalls"
  bench run --protocol "$protocol" -P "$port" "${tls[@]}" --broker-pid "$BROKER_PID" --scenario "$scenario" "${rate[@]}" \
    --duration "$DURATION" --warmup "$WARMUP" --label "$mode" --json "$OUT/$scenario/$mode-$round.json" -q \
    >> "$OUT/runs.log" 2>&1 || status=$?
  [ "$mode" = plain ] || echo "$mode $(engine_in_log)" >> "$OUT/engines.txt"
  [ -z "${COUNT_PID:-}" ] || wait "$COUNT_PID" || true
  COUNT_PID=""
  stop_broker
  [ "$status" = 0 ] || log "WARNING: $scenario over $mode (round $round) exited with $status; see $OUT/runs.log"
  log "$scenario round $round: $mode done"
}

handshakes() {
  local mode=$1 resumption=$2 status=0
  mkdir -p "$OUT/handshakes"
  start_tls_broker "$mode"
  bench handshakes -P "${TLS_PORT[stomp]}" --tls-ca "$WORK/certs/ca.pem" -n "$HS_THREADS" "--$resumption" \
    --broker-pid "$BROKER_PID" --duration "$HS_DURATION" --warmup 3s --label "$mode" \
    --json "$OUT/handshakes/$mode-$resumption.json" >> "$OUT/runs.log" 2>&1 || status=$?
  echo "$mode $(engine_in_log)" >> "$OUT/engines.txt"
  stop_broker
  [ "$status" = 0 ] || log "WARNING: handshakes over $mode ($resumption) exited with $status; see $OUT/runs.log"
  log "handshakes $mode $resumption done"
}

# Per scenario and mode, medians per received message: the broker's CPU without its JIT compiler threads (and
# the compilers' share of its CPU: seconds into a run C2 still compiles, more code over TLS) and its context
# switches; the load generator's CPU, per message and in cores, where 1.00 of its one core means it was the limit.
summarise_threads() {
  python3 - "$OUT" "$@" <<'PY'
import json, os, statistics, sys
out, modes = sys.argv[1], sys.argv[2:]
lines = []
for scenario in sorted(d for d in os.listdir(out) if os.path.isdir(os.path.join(out, d)) and d != 'handshakes'):
    for mode in modes:
        runs = []
        for f in sorted(os.listdir(os.path.join(out, scenario))):
            if f.startswith(mode + '-') and f.endswith('.json') and f[len(mode) + 1:-5].isdigit():
                r = json.load(open(os.path.join(out, scenario, f)))
                if 'brokerThreads' in r:
                    runs.append((r['brokerThreads'], r['loadGeneratorCpu'], {g: v['cpuMicros'] for g, v in
                                 r['brokerThreads'].get('perMessageByThreadGroup', {}).items()}))
        if not runs:
            continue
        med = lambda i, k: statistics.median(x[i][k] for x in runs)
        lines.append('%s %s: broker %.2f us CPU/msg without JIT compilers (compilers %.0f%% of its CPU), '
                     '%.2f context switches/msg; load generator %.2f us CPU/msg, %.2f cores' % (
            scenario, mode, med(0, 'nonCompilerMicrosPerMessage'), 100 * med(0, 'compilerShare'),
            med(0, 'contextSwitchesPerMessage'), med(1, 'microsPerMessage'), med(1, 'cores')))
        groups = sorted({g for x in runs for g in x[2]})
        if groups:
            lines.append('  by thread group, us CPU/msg: ' + ', '.join('%s %.2f' % (g, statistics.median(
                x[2].get(g, 0.0) for x in runs)) for g in groups if statistics.median(x[2].get(g, 0.0) for x in runs) >= 0.05))
print('\n'.join(lines))
PY
}

# Per scenario and mode, the median system calls per received message (all, then by call) of --count-syscalls: the
# perf count over its seconds, against the run's received msg/s over the measured window.
summarise_syscalls() {
  python3 - "$OUT" "$@" <<'PY'
import json, os, statistics, sys
out, modes = sys.argv[1], sys.argv[2:]
lines = []
for scenario in sorted(d for d in os.listdir(out) if os.path.isdir(os.path.join(out, d)) and d != 'handshakes'):
    for mode in modes:
        per = []
        d = os.path.join(out, scenario)
        for f in sorted(os.listdir(d)):
            if not (f.startswith(mode + '-') and f.endswith('.syscalls')):
                continue
            run = json.load(open(os.path.join(d, f[:-len('.syscalls')] + '.json')))
            text = open(os.path.join(d, f)).read().splitlines()
            seconds = float(text[0].split()[1])
            counts = {}
            for line in text[1:]:
                parts = line.split(',')
                if len(parts) > 2 and parts[0].isdigit():
                    counts[parts[2].split(':')[-1].replace('sys_enter_', '')] = int(parts[0])
            messages = run['received']['msgsPerSec'] * seconds
            if counts and messages > 0:
                per.append({k: v / messages for k, v in counts.items()})
        if per:
            keys = sorted({k for p in per for k in p})
            med = {k: statistics.median(p.get(k, 0) for p in per) for k in keys}
            lines.append('%s %s: %.2f system calls/msg (%s)' % (scenario, mode, med.pop('sys_enter', float('nan')),
                ', '.join('%s %.3f' % (k, v) for k, v in med.items())))
print('\n'.join(lines))
PY
}

# Per handshake run: handshakes/s, broker CPU per handshake, and how many handshakes resumed.
summarise_handshakes() {
  python3 - "$OUT" <<'PY'
import json, os, sys
hs = os.path.join(sys.argv[1], 'handshakes')
lines = []
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
  machine_header "build: $(git -C "$REPO" rev-parse --short HEAD)" \
    "scenarios: $SCENARIOS; modes $MODES; rounds $ROUNDS; duration $DURATION; warm-up $WARMUP; rate ${RATE:-max}" \
    "handshakes: $HS_THREADS threads, $HS_DURATION"
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
  machine_footer
  echo "engines seen in the broker logs: $(sort -u "$OUT/engines.txt" 2>/dev/null | paste -sd, -)" >> "$OUT/machine.txt"
  cat "$OUT/machine.txt"
  { summarise_sides plain ${MODES//,/ }; summarise_threads ${MODES//,/ }; summarise_syscalls ${MODES//,/ }; summarise_handshakes; } | tee "$OUT/summary.txt"
  log "results in $OUT"
}

main
