#!/usr/bin/env bash
# Where each server's time goes under one workload: the kernel's send, recv and epoll paths
# against the server's own code (our JIT-compiled Java, memcached's C), from `perf record`
# with call graphs, per command in microseconds.
#
#   bench/perf-split.sh                                      # (a): 50 connections, 90% get, 100 B
#   bench/perf-split.sh --conns 50 --depth 1 --value-size 102400 --keys 500   # (e)
#
# Uses the classes and class path bench/run-load.sh built (run it once first) and Debian's
# linux-perf. Ours runs with -XX:+PreserveFramePointer so that perf walks through Java frames,
# and writes its JIT symbol map (jcmd Compiler.perfmap) for perf to name them.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
CLASSES_COPY="${CLASSES_COPY:-/work/bench-classes}"
CP_FILE="${CP_FILE:-/work/bench-run/bench-cp-runtime.txt}"
LOADGEN="${LOADGEN:-/work/bench-run/loadgen}"
OUT_DIR="${OUT_DIR:-/work/bench-run/perf-$(date +%Y%m%d-%H%M%S)}"
PORT="${PORT:-31500}"
ARGS=("$@")
if ((${#ARGS[@]} == 0)); then ARGS=(--conns 50 --depth 1); fi
mkdir -p "$OUT_DIR"
[[ -x $LOADGEN ]] || gcc -O2 -o "$LOADGEN" "$REPO/bench/loadgen.c"

# profile NAME: load the server on $PORT for 14 s, record 8 s of it, split the samples
profile() {
	local name=$1 pid=$2
	taskset -c 0 "$LOADGEN" --port "$PORT" --duration 14 --warmup 2 "${ARGS[@]}" > "$OUT_DIR/$name-load.log" 2>&1 &
	local load=$!
	sleep 4
	perf record -F 999 -g -p "$pid" -o "$OUT_DIR/$name.data" -- sleep 8 > /dev/null 2>&1
	wait "$load"
	if [[ $name == ours ]]; then jcmd "$pid" Compiler.perfmap > /dev/null; fi
	perf script -i "$OUT_DIR/$name.data" -F ip,sym 2> /dev/null > "$OUT_DIR/$name.stacks"
	python3 - "$name" "$OUT_DIR/$name.stacks" "$(sed -n 's/^RESULT ops_per_sec=\([0-9]*\).*/\1/p' "$OUT_DIR/$name-load.log")" <<'PY'
import collections, sys
name, path, ops = sys.argv[1], sys.argv[2], int(sys.argv[3])
parts = collections.Counter()
for stack in open(path).read().split("\n\n"):
    frames = [line.strip() for line in stack.strip().splitlines() if line.strip()]
    if not frames:
        continue
    text = " ".join(frames)
    if "tcp_sendmsg" in text:
        parts["kernel: send"] += 1
    elif "tcp_recvmsg" in text:
        parts["kernel: recv"] += 1
    elif "do_epoll_wait" in text:
        parts["kernel: epoll"] += 1
    elif "entry_SYSCALL" in text or frames[0].startswith(("_raw", "__softirq", "handle_softirqs")):
        parts["kernel: other"] += 1
    else:
        parts["the server's own code"] += 1
total = sum(parts.values())
# the server's core is busy all the time in these workloads: its time per command is 1 / ops
us_per_op = 1e6 / ops
print(f"| {name} | {ops:,} | " + " | ".join(
    f"{100 * parts[k] / total:.0f}% ({us_per_op * parts[k] / total:.2f})"
    for k in ("kernel: send", "kernel: recv", "kernel: epoll", "kernel: other", "the server's own code")) + " |")
PY
}

taskset -c 1 java -XX:+PreserveFramePointer -Dio.netty.leakDetection.level=disabled \
	-cp "$CLASSES_COPY:$(cat "$CP_FILE")" io.github.memcachedserver.server.MemcachedServerMain \
	-l 127.0.0.1 -p "$PORT" -t 1 -m 1024 -c 2048 > "$OUT_DIR/ours.log" 2>&1 &
OURS=$!
trap 'kill $OURS 2>/dev/null || true' EXIT
sleep 3
# JIT warm-up
taskset -c 0 "$LOADGEN" --port "$PORT" --duration 10 --warmup 0 "${ARGS[@]}" > /dev/null 2>&1
echo "workload: ${ARGS[*]}"
echo "| server | ops/s | kernel: send | kernel: recv | kernel: epoll | kernel: other | the server's own code |"
echo "|---|---|---|---|---|---|---|"
echo "(% of the server's samples, and µs per command)" >&2
profile ours "$OURS"
kill "$OURS"
wait "$OURS" 2> /dev/null || true
taskset -c 1 /usr/bin/memcached -u nobody -l 127.0.0.1 -p "$PORT" -U 0 -t 1 -m 1024 -c 2048 &
MC=$!
trap 'kill $MC 2>/dev/null || true' EXIT
sleep 1
profile memcached "$MC"
