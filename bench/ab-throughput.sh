#!/usr/bin/env bash
# Throughput of two builds of ours and memcached under the same closed-loop loads, alternating
# round by round, with the median of each: the comparison to make before and after a change to
# the hot path, where a run's spread is larger than the change.
#
#   OLD=/path/to/classes NEW=/path/to/other/classes bench/ab-throughput.sh                 # (a) and (g)
#   OLD=... NEW=... ROUNDS=8 bench/ab-throughput.sh "--conns 50 --depth 1 --value-size 1024 --get-ratio 0.1"
#   OLD=dir NEW=dir NEW_OPTS=-XX:+UseTransparentHugePages bench/ab-throughput.sh           # JVM flags
#   OLD=dir NEW=dir NEW_ARGS="--transport io_uring" SECS=8 bench/ab-throughput.sh \
#       "--conns 1000 --depth 1 --rate 20000 --keys 1000000 --key-size 32"                  # (f): read the p99
#
# OLD and NEW are compiled core classes (memcached-server-core/target/classes, copied); the class
# path of their dependencies is the one bench/run-load.sh saved. Servers on core 1, load on core 0;
# each workload is one quoted list of loadgen options; OLD_OPTS and NEW_OPTS are extra JVM flags,
# OLD_ARGS and NEW_ARGS extra server flags, OLD_CP_FILE and NEW_CP_FILE other class paths. Each
# round reports ops/s and the p99 (in µs).
# The two servers not measured are stopped (SIGSTOP) during a round, as in bench/run-load.sh.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
OLD="${OLD:?compiled classes of the first build}"
NEW="${NEW:?compiled classes of the second build}"
CP_FILE="${CP_FILE:-/work/bench-run/bench-cp-runtime.txt}"
LOADGEN="${LOADGEN:-/work/bench-run/loadgen}"
ROUNDS="${ROUNDS:-6}"
SECS="${SECS:-5}"     # measured seconds per round, after 2 s not measured (WARMUP_SECS: first rounds)
PORT="${PORT:-31400}" # OLD on PORT, NEW on PORT+1, memcached on PORT+2
WORKLOADS=("$@")
if ((${#WORKLOADS[@]} == 0)); then
	WORKLOADS=("--conns 50 --depth 1 --keys 10000" "--conns 1000 --depth 1 --keys 100000 --key-size 32")
fi
[[ -x $LOADGEN ]] || gcc -O2 -o "$LOADGEN" "$REPO/bench/loadgen.c"

PIDS=()
trap 'kill -CONT "${PIDS[@]}" 2>/dev/null; kill "${PIDS[@]}" 2>/dev/null || true' EXIT
OPTS=("${OLD_OPTS:-}" "${NEW_OPTS:-}")
ARGS=("${OLD_ARGS:-}" "${NEW_ARGS:-}")
CP_FILES=("${OLD_CP_FILE:-$CP_FILE}" "${NEW_CP_FILE:-$CP_FILE}")
for classes in "$OLD" "$NEW"; do
	# shellcheck disable=SC2086 # OPTS and ARGS are lists of flags
	taskset -c 1 java ${OPTS[${#PIDS[@]}]} -Dio.netty.leakDetection.level=disabled -cp "$classes:$(cat "${CP_FILES[${#PIDS[@]}]}")" \
		io.github.memcachedserver.server.MemcachedServerMain -l 127.0.0.1 -p $((PORT + ${#PIDS[@]})) \
		-t 1 -m 1024 -c 2048 ${ARGS[${#PIDS[@]}]} > /dev/null 2>&1 &
	PIDS+=($!)
done
taskset -c 1 /usr/bin/memcached -u nobody -l 127.0.0.1 -p $((PORT + 2)) -U 0 -t 1 -m 1024 -c 2048 &
PIDS+=($!)
sleep 3

names=(old new memcached)
# median COLUMN NAME: the median of one column of the results' rows for one server
median() {
	awk -v c="$1" -v n="$2" '$1 == n {print $c}' "$results" | sort -n \
		| awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
for workload in "${WORKLOADS[@]}"; do
	# shellcheck disable=SC2086 # a workload is a list of options
	for i in 0 1; do taskset -c 0 "$LOADGEN" --port $((PORT + i)) --duration "${WARMUP_SECS:-8}" --warmup 0 --preload 1 $workload > /dev/null 2>&1; done
	results=$(mktemp)
	for round in $(seq 1 "$ROUNDS"); do
		for i in 0 1 2; do
			for j in 0 1 2; do if ((j != i)); then kill -STOP "${PIDS[$j]}"; fi; done
			# shellcheck disable=SC2086
			result=$(taskset -c 0 "$LOADGEN" --port $((PORT + i)) --duration "$SECS" --warmup 2 --preload 1 $workload 2>&1 \
				| sed -n 's/^RESULT ops_per_sec=\([0-9]*\) p50_us=[0-9]* p99_us=\([0-9]*\).*/\1 \2/p')
			kill -CONT "${PIDS[@]}"
			echo "${names[$i]} $result" >> "$results"
		done
	done
	echo "== $workload"
	for name in "${names[@]}"; do
		rounds=$(awk -v n="$name" '$1 == n {printf " %s", $2}' "$results")
		p99s=$(awk -v n="$name" '$1 == n {printf " %s", $3}' "$results")
		printf '%-9s median %s ops/s, p99 %s us; rounds:%s; p99s:%s\n' "$name" "$(median 2 "$name")" \
			"$(median 3 "$name")" "$rounds" "$p99s"
	done
	rm -f "$results"
done
