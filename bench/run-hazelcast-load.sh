#!/usr/bin/env bash
# The Hazelcast store next to the built-in store and memcached, in one run, and the latency of
# one get through the instance that owns the key against one through the other instance.
#
#   bench/run-hazelcast-load.sh
#
# Every server is the sample application (`java -cp`, the reactor's classes), except memcached
# (Debian's 1.6.18, -t 1). Load: bench/loadgen.c, every reply checked; CONNS connections,
# 1 request in flight each, 90% get / 10% set, 100-byte values, 10,000 keys, SECS measured seconds
# after LG_WARMUP. The Hazelcast store runs as two members (two JVMs) on loopback and the load goes
# to one of them, so about half the keys are owned by the other. The single-get latency is one
# connection reading one key (get ratio 1.0) through each member in turn: one of them owns it.
# Nothing is pinned: the figures are of a shared, noisy 2-core machine and only their ratios mean
# anything.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
OUT_DIR="${OUT_DIR:-/work/bench-run/hazelcast-$(date +%Y%m%d-%H%M%S)}"
SECS="${SECS:-8}"
LG_WARMUP="${LG_WARMUP:-2}"
CONNS="${CONNS:-50}"
mkdir -p "$OUT_DIR"

(cd "$REPO" && mvn -B -o -q -pl memcached-server-sample -am test-compile dependency:build-classpath \
	-Dmdep.outputFile="$OUT_DIR/cp.txt" -Dmdep.includeScope=runtime)
CP="$REPO/memcached-server-sample/target/classes:$(cat "$OUT_DIR/cp.txt")"
gcc -O2 -o "$OUT_DIR/loadgen" "$REPO/bench/loadgen.c"

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

await_port() {
	for _ in $(seq 1 600); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
		sleep 0.2
	done
	echo "nothing listens on $1" >&2; exit 1
}

sample() { # name port args...
	local name="$1" port="$2"; shift 2
	java -Dio.netty.leakDetection.level=disabled -cp "$CP" io.github.memcachedserver.sample.SampleMemcachedApplication \
		--memcached.server.listen=127.0.0.1:"$port" --server.port=0 --management.server.port=0 \
		--memcached.server.store.memory-limit=1024MB "$@" >"$OUT_DIR/$name.log" 2>&1 &
	PIDS+=($!)
	await_port "$port"
}

load() { # label port args...
	local label="$1" port="$2"; shift 2
	echo "== $label" | tee -a "$OUT_DIR/results.txt"
	"$OUT_DIR/loadgen" --port "$port" --duration "$SECS" --warmup "$LG_WARMUP" "$@" \
		2>&1 | tee -a "$OUT_DIR/results.txt"
}

throughput() { load "$1" "$2" --conns "$CONNS" --depth 1 --keys 10000 --value-size 100; }
single_get() { load "$1" "$2" --conns 1 --depth 1 --keys 1 --get-ratio 1.0 --value-size 100; }

memcached -p 31311 -l 127.0.0.1 -t 1 -m 1024 -U 0 $( [ "$(id -u)" = 0 ] && echo -u nobody ) &
PIDS+=($!)
await_port 31311
throughput "memcached 1.6.18" 31311

sample builtin 31312
throughput "built-in store (sample)" 31312
single_get "built-in store, one get" 31312

CLUSTER="bench-$RANDOM$RANDOM"
sample hazelcast-a 31313 --memcached.server.store.type=hazelcast --memcached.server.store.hazelcast.cluster-name="$CLUSTER" \
	--memcached.server.store.hazelcast.port=31401
sample hazelcast-b 31314 --memcached.server.store.type=hazelcast --memcached.server.store.hazelcast.cluster-name="$CLUSTER" \
	--memcached.server.store.hazelcast.port=31401
for _ in $(seq 1 300); do grep -q "Members {size:2" "$OUT_DIR/hazelcast-b.log" && break; sleep 0.2; done
throughput "Hazelcast store, 2 members, load on member a" 31313
single_get "Hazelcast store, one get through member a" 31313
single_get "Hazelcast store, one get through member b" 31314
echo "results: $OUT_DIR/results.txt"
