#!/usr/bin/env bash
# RSS under a write flood of mixed sizes (100 B to 500 KiB), ours next to memcached with the
# same memory limit, both flooded at once for MINUTES minutes; RSS sampled every minute.
#
#   bench/rss-flood.sh                       # 10 minutes, 64 MB limit
#   MINUTES=2 OURS_OPTS="-Xmx256m" bench/rss-flood.sh
#
# Ours runs the core's MemcachedServerMain with the settings README's "Sizing memory and the
# JVM" recommends, its heap fully committed at start (-Xms = -Xmx, -XX:+AlwaysPreTouch) so that
# the baseline RSS (minute 0) includes the whole heap and the growth is what the store takes.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
MINUTES="${MINUTES:-10}"
LIMIT_MB="${LIMIT_MB:-64}"
OURS_OPTS="${OURS_OPTS:--Xms64m -Xmx64m -XX:+AlwaysPreTouch -XX:MaxDirectMemorySize=192m -XX:TrimNativeHeapInterval=5000 -XX:+ExitOnOutOfMemoryError}"
MC_PORT="${MC_PORT:-31311}"
OURS_PORT="${OURS_PORT:-31312}"
OUT="${OUT:-/work/bench-run/rss-flood-$(date +%Y%m%d-%H%M%S).md}"
mkdir -p "$(dirname "$OUT")"

cd "$REPO"
mvn -B -q -o -pl memcached-server-core -am compile dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=/tmp/rss-flood-cp.txt >/dev/null
CP="memcached-server-core/target/classes:$(cat /tmp/rss-flood-cp.txt)"

memcached -u nobody -p "$MC_PORT" -U 0 -m "$LIMIT_MB" -t 1 -l 127.0.0.1 & MC_PID=$!
# shellcheck disable=SC2086 # OURS_OPTS is a list of flags
java $OURS_OPTS -cp "$CP" io.github.memcachedserver.server.MemcachedServerMain \
	-p "$OURS_PORT" -l 127.0.0.1 -m "$LIMIT_MB" -t 1 >/tmp/rss-flood-ours.log 2>&1 & OURS_PID=$!
trap 'kill $MC_PID $OURS_PID 2>/dev/null || true' EXIT
sleep 5

{
	echo "RSS flood: $MINUTES min, limit ${LIMIT_MB} MB, ours $OURS_OPTS,"
	echo "$(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
	echo
	python3 bench/rss-flood.py "$MINUTES" "memcached:$MC_PORT:$MC_PID" "ours:$OURS_PORT:$OURS_PID"
} | tee "$OUT"
