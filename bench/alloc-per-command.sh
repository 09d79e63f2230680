#!/usr/bin/env bash
# Heap bytes the server allocates per command under a load generator workload: what the young
# collections reclaim plus what eden holds, between two readings of jstat, divided by the
# commands answered in between. Eden is fixed (-Xmn) so that every young collection frees the
# same amount; the server runs on core 1, the load generator on core 0.
#
#   bench/alloc-per-command.sh                                   # (a): 50 connections, 90% get, 100 B
#   bench/alloc-per-command.sh --get-ratio 0.1 --value-size 1024  # (c)
#   CLASSES=/path/to/other/core/target/classes bench/alloc-per-command.sh   # another build
#
# Uses the class path and load generator that bench/run-load.sh saved and built.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
CLASSES="${CLASSES:-$REPO/memcached-server-core/target/classes}"
CP_FILE="${CP_FILE:-/work/bench-run/bench-cp-runtime.txt}"
LOADGEN="${LOADGEN:-/work/bench-run/loadgen}"
PORT="${PORT:-31450}"
SECS="${SECS:-10}"

taskset -c 1 java -Dio.netty.leakDetection.level=disabled -Xms512m -Xmx512m -Xmn64m -XX:+UseSerialGC \
	-cp "$CLASSES:$(cat "$CP_FILE")" io.github.memcachedserver.server.MemcachedServerMain \
	-l 127.0.0.1 -p "$PORT" -t 1 -m 1024 -c 2048 >/dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
sleep 3
# warm-up: the JIT compiles, the keys are stored
taskset -c 0 "$LOADGEN" --port "$PORT" --duration 10 --warmup 0 --conns 50 --depth 1 "$@" >/dev/null 2>&1
# jstat -gc: EC (eden capacity, KB) is column 5, EU (eden used) 6, YGC (young collections) 13
before=$(jstat -gc "$PID" | tail -1)
result=$(taskset -c 0 "$LOADGEN" --port "$PORT" --duration "$SECS" --warmup 0 --conns 50 --depth 1 "$@" 2>&1 | grep RESULT)
after=$(jstat -gc "$PID" | tail -1)
python3 - "$before" "$after" "$result" "$SECS" <<'PY'
import re, sys
before, after, result, secs = sys.argv[1].split(), sys.argv[2].split(), sys.argv[3], int(sys.argv[4])
eden = float(after[4]) * 1024
allocated = (int(after[12]) - int(before[12])) * eden + (float(after[5]) - float(before[5])) * 1024
commands = int(re.search(r'ops_per_sec=(\d+)', result).group(1)) * secs
print(f'commands/s={commands // secs} young collections={int(after[12]) - int(before[12])} '
      f'heap bytes per command={allocated / commands:.0f}')
PY
