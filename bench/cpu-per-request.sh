#!/usr/bin/env bash
# What a request costs the server in (f), where the server is mostly idle and every connection's
# objects are cold by the time its next request comes: two builds of ours and memcached under
# the same open-loop load, alternating, each round reporting the server's CPU (% of its core
# over the middle of the round) with the load generator's latencies. At a fixed rate, CPU is
# cost per request, a steadier figure than the tail it drives.
#
#   OLD=/path/to/classes NEW=/path/to/other/classes bench/cpu-per-request.sh
#   OLD=... NEW=... NEW_OPTS="-Xmn16m" bench/cpu-per-request.sh   # JVM flags, same classes
#
# OLD and NEW are compiled core classes (memcached-server-core/target/classes, copied); the class
# path of their dependencies is the one bench/run-load.sh saved. Servers on core 1, load on core 0.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
OLD="${OLD:?compiled classes of the first build}"
NEW="${NEW:?compiled classes of the second build}"
OLD_OPTS="${OLD_OPTS:-}"
NEW_OPTS="${NEW_OPTS:-}"
CP_FILE="${CP_FILE:-/work/bench-run/bench-cp-runtime.txt}"
LOADGEN="${LOADGEN:-/work/bench-run/loadgen}"
ROUNDS="${ROUNDS:-5}"
SECS="${SECS:-14}"     # per round; CPU is sampled from its 4th second to 2 s before its end
WARM_SECS="${WARM_SECS:-30}"
RATE="${RATE:-20000}"
CONNS="${CONNS:-1000}"
KEYS="${KEYS:-1000000}"
PORT="${PORT:-31400}"  # OLD on PORT, NEW on PORT+1, memcached on PORT+2
[[ -x $LOADGEN ]] || gcc -O2 -o "$LOADGEN" "$REPO/bench/loadgen.c"

PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true' EXIT
ours() {
	# shellcheck disable=SC2086 # the options are a list of flags
	taskset -c 1 java $2 -Dio.netty.leakDetection.level=disabled -cp "$1:$(cat "$CP_FILE")" \
		io.github.memcachedserver.server.MemcachedServerMain -l 127.0.0.1 -p "$3" -t 1 -m 1024 -c 2048 \
		> /dev/null 2>&1 &
	PIDS+=($!)
}
ours "$OLD" "$OLD_OPTS" "$PORT"
ours "$NEW" "$NEW_OPTS" $((PORT + 1))
taskset -c 1 /usr/bin/memcached -u nobody -l 127.0.0.1 -p $((PORT + 2)) -U 0 -t 1 -m 1024 -c 2048 &
PIDS+=($!)
sleep 3

load() { # load PORT SECS PRELOAD [more loadgen options]
	taskset -c 0 "$LOADGEN" --port "$1" --conns "$CONNS" --depth 1 --rate "$RATE" --keys "$KEYS" \
		--key-size 32 --duration "$2" --preload "$3" "${@:4}"
}
# store the items everywhere, and give both JITs the workload itself
for i in 0 1; do load $((PORT + i)) "$WARM_SECS" 1 --warmup 0 > /dev/null 2>&1; done
load $((PORT + 2)) 1 1 --warmup 0 > /dev/null 2>&1

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
names=(old new memcached)
for round in $(seq 1 "$ROUNDS"); do
	for i in 0 1 2; do
		pid=${PIDS[$i]}
		window=$((SECS - 6))
		cpu_file=$(mktemp)
		(sleep 4; a=$(ticks "$pid"); sleep "$window"; b=$(ticks "$pid")
			awk -v d=$((b - a)) -v hz="$(getconf CLK_TCK)" -v w="$window" 'BEGIN {printf "%.1f", 100 * d / hz / w}' > "$cpu_file") &
		sampler=$!
		result=$(load $((PORT + i)) "$SECS" 0 --warmup 2 2>&1 | sed -n 's/^RESULT //p')
		wait "$sampler"
		echo "round $round ${names[$i]} server_cpu=$(cat "$cpu_file")% $result"
		rm -f "$cpu_file"
	done
done
