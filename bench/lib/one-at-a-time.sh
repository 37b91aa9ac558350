# Sourced by every bench script: one benchmark at a time on a machine. Two runs at once share the cores (each
# measures the other), and the scripts' fixed ports let one run's load generator reach, and its clean-up stop,
# the other run's broker. bench_lock NAME takes the machine-wide lock, waiting (and saying so) while another run
# holds it; it is released when the script exits. FERRYMQ_BENCH_LOCK names another lock file.

bench_lock() {
  local lock="${FERRYMQ_BENCH_LOCK:-${TMPDIR:-/tmp}/ferrymq-bench.lock}"
  command -v flock >/dev/null || return 0
  exec 9>"$lock"
  if ! flock -n 9; then
    echo "[$1] another benchmark is running (it holds $lock); waiting for it to finish" >&2
    flock 9
  fi
}
