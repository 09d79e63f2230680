#!/usr/bin/env bash
# Heap bytes the server allocates per read of a 100 KiB value, for each read that sends one
# (mg, binary GET and GAT, text gat and get): a client reads the value 8,000 times, 16 requests
# in flight, while Java Flight Recorder records the server (jdk.ThreadAllocationStatistics at
# the recording's start and end, jdk.ObjectAllocationSample for the types).
#
#   bench/alloc-per-read.sh                  # this checkout's core
#   CLASSES=/path/to/other/core/target/classes bench/alloc-per-read.sh   # another build, to compare
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
PORT="${PORT:-31411}"
READS="${READS:-8000}"
OUT="${OUT:-$(mktemp -d /tmp/alloc-per-read.XXXXXX)}"

cd "$REPO"
mvn -B -q -o -pl memcached-server-core -am compile dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile="$OUT/cp.txt" >/dev/null
CLASSES="${CLASSES:-memcached-server-core/target/classes}"
java -Dio.netty.leakDetection.level=disabled -XX:+UseSerialGC -Xmx256m -XX:MaxDirectMemorySize=512m \
	-cp "$CLASSES:$(cat "$OUT/cp.txt")" io.github.memcachedserver.server.MemcachedServerMain \
	-p "$PORT" -l 127.0.0.1 -t 1 >"$OUT/server.log" 2>&1 & PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
sleep 3
for MODE in mg binget bingat gat get; do
	python3 bench/alloc-per-read.py load "$PORT" "$MODE" "$((READS / 2))" # warm-up
	jcmd "$PID" JFR.start name="$MODE" settings=profile filename="$OUT/$MODE.jfr" >/dev/null
	python3 bench/alloc-per-read.py load "$PORT" "$MODE" "$READS"
	jcmd "$PID" JFR.stop name="$MODE" >/dev/null
	python3 bench/alloc-per-read.py report "$OUT/$MODE.jfr" "$READS"
done
