#!/usr/bin/env bash
# RSS under a write flood of mixed sizes (100 B to 500 KiB), ours next to memcached with the
# same memory limit, both flooded at once for MINUTES minutes; RSS sampled every minute.
#
#   bench/rss-flood.sh                       # 10 minutes, 64 MB limit, ours with -Xmx160m
#   MINUTES=2 HEAP=256m bench/rss-flood.sh
#
# Ours runs the core's MemcachedServerMain with the settings README's "Sizing memory"
# recommends: a heap of 2.5 times the store limit and -XX:+ExitOnOutOfMemoryError.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
MINUTES="${MINUTES:-10}"
LIMIT_MB="${LIMIT_MB:-64}"
HEAP="${HEAP:-160m}"
MC_PORT="${MC_PORT:-31311}"
OURS_PORT="${OURS_PORT:-31312}"
OUT="${OUT:-/work/bench-run/rss-flood-$(date +%Y%m%d-%H%M%S).md}"
mkdir -p "$(dirname "$OUT")"

cd "$REPO"
mvn -B -q -o -pl memcached-server-core -am compile dependency:build-classpath -Dmdep.outputFile=/tmp/rss-flood-cp.txt >/dev/null
CP="memcached-server-core/target/classes:$(cat /tmp/rss-flood-cp.txt)"

memcached -u nobody -p "$MC_PORT" -U 0 -m "$LIMIT_MB" -t 1 -l 127.0.0.1 & MC_PID=$!
java -Xmx"$HEAP" -XX:+ExitOnOutOfMemoryError -cp "$CP" io.github.memcachedserver.server.MemcachedServerMain \
	-p "$OURS_PORT" -l 127.0.0.1 -m "$LIMIT_MB" -t 1 >/tmp/rss-flood-ours.log 2>&1 & OURS_PID=$!
trap 'kill $MC_PID $OURS_PID 2>/dev/null || true' EXIT
sleep 5

{
	echo "RSS flood: $MINUTES min, limit ${LIMIT_MB} MB, ours -Xmx$HEAP -XX:+ExitOnOutOfMemoryError,"
	echo "$(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
	echo
	python3 bench/rss-flood.py "$MINUTES" "memcached:$MC_PORT:$MC_PID" "ours:$OURS_PORT:$OURS_PID"
} | tee "$OUT"
