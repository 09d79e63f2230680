#!/usr/bin/env bash
# Where our own code spends the server's samples, line by line: async-profiler (from Maven
# Central) samples ours under one workload, with -XX:+DebugNonSafepoints so that an inlined
# method's samples land on their own source line, and the top frames outside the kernel are
# counted with the two frames that called them. A load that misses the cache shows on the line
# that first touches the object: with 1,000 connections, a connection's own objects.
#
#   bench/profile-lines.sh                                    # (g): 1,000 connections, closed loop
#   bench/profile-lines.sh --conns 50 --depth 1               # (a)
#   CLASSES_COPY=/path/to/classes TOP=60 bench/profile-lines.sh
#
# Uses the classes and class path bench/run-load.sh built (run it once first). Server on core 1,
# load on core 0; 25 s of warm-up, then 8 s profiled at one sample per 200 µs of CPU.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
CLASSES_COPY="${CLASSES_COPY:-/work/bench-classes}"
CP_FILE="${CP_FILE:-/work/bench-run/bench-cp-runtime.txt}"
LOADGEN="${LOADGEN:-/work/bench-run/loadgen}"
OUT="${OUT:-$(mktemp -d /tmp/profile-lines.XXXXXX)}"
PORT="${PORT:-31480}"
TOP="${TOP:-40}"
ARGS=("$@")
if ((${#ARGS[@]} == 0)); then ARGS=(--conns 1000 --depth 1 --keys 100000 --key-size 32); fi
[[ -x $LOADGEN ]] || gcc -O2 -o "$LOADGEN" "$REPO/bench/loadgen.c"

VERSION=3.0
JAR="$HOME/.m2/repository/tools/profiler/async-profiler/$VERSION/async-profiler-$VERSION.jar"
[[ -f $JAR ]] || mvn -q dependency:get -Dartifact="tools.profiler:async-profiler:$VERSION" -Dtransitive=false
unzip -o -q "$JAR" 'linux-x64/libasyncProfiler.so' -d "$OUT"
LIB="$OUT/linux-x64/libasyncProfiler.so"

taskset -c 1 java -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints -Dio.netty.leakDetection.level=disabled \
	-cp "$CLASSES_COPY:$(cat "$CP_FILE")" io.github.memcachedserver.server.MemcachedServerMain \
	-l 127.0.0.1 -p "$PORT" -t 1 -m 1024 -c 2048 > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
sleep 3
taskset -c 0 "$LOADGEN" --port "$PORT" --duration 25 --warmup 0 "${ARGS[@]}" > /dev/null 2>&1
taskset -c 0 "$LOADGEN" --port "$PORT" --duration 14 --warmup 2 "${ARGS[@]}" > "$OUT/load.log" 2>&1 &
LOAD=$!
sleep 4
# jcmd reads key=value pairs itself: the agent's options go in quotes
jcmd "$SERVER" JVMTI.agent_load "$LIB" "\"start,event=cpu,interval=200us,jfr,file=$OUT/ours.jfr\"" > /dev/null
sleep 8
jcmd "$SERVER" JVMTI.agent_load "$LIB" '"stop"' > /dev/null
wait "$LOAD"
grep RESULT "$OUT/load.log"
jfr print --events jdk.ExecutionSample --stack-depth 3 "$OUT/ours.jfr" > "$OUT/samples.txt"
python3 - "$OUT/samples.txt" "$TOP" <<'PY'
import collections, re, sys
text, top = open(sys.argv[1]).read(), int(sys.argv[2])
counts, total, own = collections.Counter(), 0, 0
for match in re.finditer(r"stackTrace = \[\n(.*?)\n\s*(?:\.\.\.\n\s*)?\]", text, re.S):
    frames = [f.strip() for f in match.group(1).split("\n") if f.strip() and f.strip() != "..."]
    if not frames:
        continue
    total += 1
    if "(k)" in frames[0]:
        continue
    own += 1
    counts[" <- ".join(re.sub(r"\(.*?\)", "", f).replace("io.github.memcachedserver.", "") for f in frames)] += 1
print(f"{total} samples, {100 * own / total:.1f}% outside the kernel; top frames (% of all samples):")
for frames, n in counts.most_common(top):
    print(f"{100 * n / total:5.2f}%  {frames}")
PY
echo "raw: $OUT"
