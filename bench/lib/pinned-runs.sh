# Shared by ab.sh, at-rest.sh and tls.sh: sourced, not run. Each runs FerryMQ in two or more ways (builds, storage
# settings, TLS engines) alternately in one run, a fresh broker per run pinned to core $BROKER_CPU and the load
# generator on the other cores, then summarises the runs per scenario against the first way ("side").
# The sourcing script sets REPO and NAME (its name in messages; its files go to bench/target/NAME), and OUT (empty
# for the default) and BROKER_CPU from its options, then calls runs_init.

# shellcheck source=one-at-a-time.sh
. "$(dirname "${BASH_SOURCE[0]}")/one-at-a-time.sh"

# Checks for taskset and two cores; sets CORES, CLIENT_CPUS (all cores but $BROKER_CPU), WORK and OUT (made);
# stops the running broker when the script ends.
runs_init() {
  command -v taskset >/dev/null || { echo "$NAME: taskset (util-linux) is needed" >&2; exit 1; }
  CORES=$(nproc)
  [ "$CORES" -ge 2 ] || { echo "$NAME: needs at least 2 cores to pin broker and load generator apart" >&2; exit 1; }
  CLIENT_CPUS=$(seq 0 $((CORES - 1)) | grep -vx "$BROKER_CPU" | paste -sd, -)
  WORK="$REPO/bench/target/$NAME"
  OUT="${OUT:-$WORK/results-$(date +%Y%m%d-%H%M%S)}"
  mkdir -p "$WORK" "$OUT"
  trap stop_broker EXIT
  trap 'exit 143' INT TERM
}

log() { echo "[$NAME $(date +%H:%M:%S)] $*" | tee -a "$OUT/$NAME.log" >&2; }

# Packages the server and the load generator of the source tree $1 (offline first, online if that fails).
build_tree() {
  (cd "$1" && mvn -B -q -o -DskipTests package -pl server,bench -am) \
    || (cd "$1" && mvn -B -q -DskipTests package -pl server,bench -am)
}

# Copies the jars and conf/log4j2.xml of the built tree $1 into $2: runs use the copy, so that a rebuild during the
# benchmark cannot change what runs.
copy_dist() {
  local src=$1 dest=$2
  rm -rf "$dest" && mkdir -p "$dest"
  cp -r "$src/server/target/ferrymq-server.jar" "$src/server/target/lib" "$src/bench/target/ferrymq-bench.jar" \
    "$src/conf/log4j2.xml" "$dest/"
}

# The pid of the process listening on loopback port $1, or nothing.
listener_pid() {
  { ss -ltnpH "( sport = :$1 )" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; } || true
}

# fresh_dir DIR: DIR emptied (a broker's home: data, logs and console.log start empty).
fresh_dir() {
  rm -rf "$1" && mkdir -p "$1"
}

# start_broker DIST DIR CONFIG "PORT..." [JVM option...]: FerryMQ from dist DIST with config CONFIG, its home and
# console.log in directory DIR (see fresh_dir), on core $BROKER_CPU; waits until every port listens and sets
# BROKER_PID (the first port's listener). FERRYMQ_OPTS (environment) reaches its JVM too, e.g. a flight recording.
start_broker() {
  local dist=$1 dir=$2 config=$3 ports=$4
  shift 4
  [ -f "$config" ] || { echo "$NAME: no broker configuration $config" >&2; exit 1; }
  # shellcheck disable=SC2086
  (cd "$dir" && exec taskset -c "$BROKER_CPU" java -Xms512m -Xmx2g ${FERRYMQ_OPTS:-} -Dferrymq.home="$dir" "$@" \
    -Dlog4j2.configurationFile="$dist/log4j2.xml" -jar "$dist/ferrymq-server.jar" run --config "$config") \
    > "$dir/console.log" 2>&1 &
  local i p ready first=${ports%% *}
  for i in $(seq 1 120); do
    ready=1
    for p in $ports; do
      [ -n "$(listener_pid "$p")" ] || { ready=0; break; }
    done
    if [ "$ready" = 1 ]; then
      BROKER_PID=$(listener_pid "$first")
      return 0
    fi
    sleep 0.5
  done
  echo "$NAME: the broker did not listen on $ports within 60 s; see $dir/console.log" >&2
  tail -20 "$dir/console.log" >&2 || true
  exit 1
}

# Stops the broker start_broker started: SIGTERM, and SIGKILL if it is still there after 30 s.
stop_broker() {
  local pid=${BROKER_PID:-}
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { BROKER_PID=""; return 0; }; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
  BROKER_PID=""
}

# bench_client DIST ARG...: the load generator of dist DIST on the cores the broker does not use. BENCH_JAVA_OPTS
# reaches its JVM.
bench_client() {
  local dist=$1
  shift
  # shellcheck disable=SC2086
  taskset -c "$CLIENT_CPUS" java ${BENCH_JAVA_OPTS:-} -jar "$dist/ferrymq-bench.jar" "$@"
}

# Writes $OUT/machine.txt: the machine, then each argument as a line, then the load average at the start.
machine_header() {
  {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cores: $CORES (broker on $BROKER_CPU, load generator on $CLIENT_CPUS)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "java: $(java -version 2>&1 | head -1)"
    local line
    for line in "$@"; do echo "$line"; done
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  } > "$OUT/machine.txt"
}

machine_footer() {
  echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
}

# summarise_sides BASE SIDE...: for every scenario directory of $OUT holding SIDE-ROUND.json results of
# 'ferrymq-bench run --json', one line: per side the median received msg/s with its range, the median broker CPU
# time per received message, the median broker heap allocation per received message (when the runs measured it) and the summed integrity counters (lost/duplicated/out of order), then each other
# side's throughput and CPU/msg against BASE.
summarise_sides() {
  python3 - "$OUT" "$@" <<'PY'
import json, os, statistics, sys
out, sides = sys.argv[1], list(dict.fromkeys(sys.argv[2:]))
base = sides[0]
lines = []
for scenario in sorted(d for d in os.listdir(out) if os.path.isdir(os.path.join(out, d))):
    per = {}
    for f in sorted(os.listdir(os.path.join(out, scenario))):
        if not f.endswith('.json'):
            continue
        side, _, round_ = f[:-5].rpartition('-')
        if side not in sides or not round_.isdigit():
            continue
        r = json.load(open(os.path.join(out, scenario, f)))
        cpu_us = (r.get('brokerCpu') or {}).get('microsPerMessage', float('nan'))
        integ = r.get('integrity') or {}
        alloc = (r.get('brokerAllocation') or {}).get('bytesPerMessage', float('nan'))
        per.setdefault(side, []).append((r['received']['msgsPerSec'], cpu_us,
                                         integ.get('lost', 0), integ.get('duplicated', 0), integ.get('outOfOrder', 0),
                                         alloc))
    if not per:
        continue
    row = [scenario]
    med = {}
    for side in sides:
        runs = per.get(side, [])
        if not runs:
            row.append('%s: -' % side); continue
        rates = [x[0] for x in runs]; cpus = [x[1] for x in runs]
        allocs = [x[5] for x in runs if x[5] == x[5]]
        med[side] = (statistics.median(rates), statistics.median(cpus),
                     statistics.median(allocs) if allocs else float('nan'))
        row.append('%s: %s msg/s (%s-%s), %.2f us CPU/msg, %s, lost/dup/ooo %d/%d/%d' % (
            side, format(round(med[side][0]), ','), format(round(min(rates)), ','), format(round(max(rates)), ','),
            med[side][1], ('%s B/msg heap' % format(round(med[side][2]), ',')) if allocs else 'heap -',
            sum(x[2] for x in runs), sum(x[3] for x in runs), sum(x[4] for x in runs)))
    for side in sides[1:]:
        if side in med and base in med and med[base][0] and med[base][1]:
            ratio = '%s/%s: throughput %.2f, CPU/msg %.2f' % (
                side, base, med[side][0] / med[base][0], med[side][1] / med[base][1])
            if med[base][2] == med[base][2] and med[side][2] == med[side][2] and med[base][2]:
                ratio += ', heap/msg %.2f' % (med[side][2] / med[base][2])
            row.append(ratio)
    lines.append(' | '.join(row))
print('\n'.join(lines))
PY
}
