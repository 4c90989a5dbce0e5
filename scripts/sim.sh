# Helpers for the scripts that start `opsdeck sim` (bench, dist); sourced.

# sim_wait NAME PID OUT SECONDS: waits until the simulator PID, writing to
# OUT, prints its ready line; exits with its output if it dies first, or
# with an error naming NAME if it is not ready within SECONDS.
sim_wait() {
  local name="$1" pid="$2" out="$3" seconds="$4"
  for _ in $(seq 1 $(( seconds * 10 ))); do
    grep -q "Ctrl-C" "$out" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$out" >&2; exit 1; }
    sleep 0.1
  done
  echo "$name: the simulator did not start within ${seconds}s" >&2
  exit 1
}

# all_namespaces IN OUT: the simulator's written config with every
# namespace watched, as `kubectl -A` reads them (IN limits each cluster to
# `shop`).
all_namespaces() {
  sed '/^namespaces = \["shop"\]$/d' "$1" >"$2"
}
