#!/usr/bin/env bash
# Side-by-side load figure: memcached-server (ours) vs the real memcached.
#
#   bench/run-load.sh                # build, then run every workload
#   SKIP_BUILD=1 bench/run-load.sh   # reuse /work/bench-classes and the saved classpath
#
# Layout: server pinned to core SERVER_CPU, load generator to core CLIENT_CPU (taskset).
# Both servers run with one worker thread. For every workload: one discarded warm-up round of
# WARMUP_SECS against ours (the JIT, whose compiler threads share the server's one core, is
# still at work after a round of SECS), then ours/memcached alternated ROUNDS times. Raw output and a markdown
# summary (medians, ratio ours/memcached) go to OUT_DIR.
#
# Workloads (bench/loadgen.c, every reply verified; 18-byte keys, 90% get / 10% set unless noted):
#   a_loadgen    (a)  100 B values, CONNS connections, 1 request in flight each
#   b_window16   (b)  as (a), 16 requests in flight per connection (pipelined text)
#   b_batch16    (b)  as (a), batches of 16: write 16, wait for all 16 replies
#   b_meta16     (b') as b_window16 over the meta protocol (mg <key> v / ms <key> <len>)
#   c_set90_1k   (c)  10% get / 90% set, 1 KiB values, 1 in flight
#   d_open1000   (d)  1,000 connections, open loop at D_RATE ops/s in total, latency from the
#                     intended send time (ratio = p99 ours/memcached, not ops/s)
#   e_100k       (e)  100 KiB values (E_KEYS keys), 1 in flight
#   f_1m_open    (f)  F_KEYS (1,000,000) live items (32-byte keys, 100 B values, all stored before each
#                     round), D_CONNS connections, open loop at D_RATE ops/s, 90% get / 10% set
#   f_1m_after_ce     the same, named apart: put it after c_set90_1k e_100k to measure the same
#                     servers once replaced large values have left their garbage
#   g_conns1000  (g)  as (a) over 1,000 connections that open together while the first are already
#                     loading the server (closed loop, 1 in flight each, F_KEYS-style 32-byte keys over
#                     100,000 items); a connection left waiting to be accepted shows in the p99.9 and max
#   a_memaslap        (a) with memcaslap (unverified; cross-check only)
#   a_memaslap_binary (a) with memcaslap over the binary protocol (-B; unverified: loadgen speaks text and meta only)
# Steps that are not load rounds (add them to WORKLOADS):
#   mem_1m       fresh servers on MC_PORT+100 / OURS_PORT+100, store MEM_ITEMS items (32-byte keys,
#                100-byte values), report RSS growth, `stats` bytes and, for ours, live heap after a
#                full GC (jcmd GC.class_histogram) -> OUT_DIR/memory.md
#   jfr_a        JFR profile (jcmd JFR.start, settings=profile) of the running ours during a
#                JFR_SECS-long (a) load -> OUT_DIR/ours-a.jfr and OUT_DIR/jfr-top.md
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
OUT_DIR="${OUT_DIR:-/work/bench-run/results-$(date +%Y%m%d-%H%M%S)}"
CLASSES_COPY="${CLASSES_COPY:-/work/bench-classes}"
CP_FILE="${CP_FILE:-/work/bench-run/bench-cp-runtime.txt}"
LOADGEN="${LOADGEN:-/work/bench-run/loadgen}" # the compiled bench/loadgen.c
SERVER_CPU="${SERVER_CPU:-1}"
CLIENT_CPU="${CLIENT_CPU:-0}"
MC_PORT="${MC_PORT:-31211}" # below the ephemeral range (32768+): no clash with TIME_WAIT client ports
OURS_PORT="${OURS_PORT:-31212}"
ROUNDS="${ROUNDS:-3}"
SECS="${SECS:-10}"          # measured seconds per round
WARMUP_SECS="${WARMUP_SECS:-30}" # the discarded first round against ours
LG_WARMUP="${LG_WARMUP:-2}" # seconds at the start of each loadgen round that are not measured
CONNS="${CONNS:-50}"
WORKLOADS="${WORKLOADS:-a_loadgen b_window16 b_meta16 c_set90_1k e_100k d_open1000}"
MEM_MB="${MEM_MB:-1024}"    # -m for both servers: large enough that no workload evicts
D_RATE="${D_RATE:-20000}"   # (d) total ops/s over 1,000 connections
D_CONNS="${D_CONNS:-1000}"
E_KEYS="${E_KEYS:-500}"     # (e) 500 x 100 KiB = 50 MB
F_KEYS="${F_KEYS:-1000000}" # (f) live items
MEM_ITEMS="${MEM_ITEMS:-1000000}"
JFR_SECS="${JFR_SECS:-20}"
# JVM flags for ours (besides -cp); default JVM settings otherwise
OURS_JAVA_OPTS="${OURS_JAVA_OPTS:--Dio.netty.leakDetection.level=disabled}"
OURS_ARGS="${OURS_ARGS:-}" # extra server flags, e.g. --transport io_uring

mkdir -p "$OUT_DIR" "$(dirname "$CP_FILE")"

# ---------------------------------------------------------------- build (ours + loadgen)
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
	# package, not install: the local repository is shared. -am builds the modules core's tests
	# use too; core comes last, so the class path written is core's. Runtime scope only: no test
	# jars, so no slf4j binding -> silent logging
	(cd "$REPO" && mvn -B -q -pl memcached-server-core -am package dependency:build-classpath -DskipTests \
		-DincludeScope=runtime -Dmdep.outputFile="$CP_FILE")
	# private copy: target/ may be rebuilt while we run
	rm -rf "$CLASSES_COPY"
	cp -r "$REPO/memcached-server-core/target/classes" "$CLASSES_COPY"
fi
mkdir -p "$(dirname "$LOADGEN")"
gcc -O2 -o "$LOADGEN" "$REPO/bench/loadgen.c"

cat > "$OUT_DIR/memaslap.cfg" <<'EOF'
key
18 18 1
value
100 100 1
cmd
0 0.1
1 0.9
EOF

# ---------------------------------------------------------------- servers
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap cleanup EXIT

port_free() { ! ss -ltn | awk '{print $4}' | grep -qE "[:.]$1\$"; }
wait_port() {
	for _ in $(seq 1 100); do
		if ss -ltn | awk '{print $4}' | grep -qE "[:.]$1\$"; then return 0; fi
		sleep 0.1
	done
	echo "port $1 never opened" >&2
	return 1
}
for p in "$MC_PORT" "$OURS_PORT"; do
	port_free "$p" || { echo "port $p is already in use" >&2; exit 1; }
done

taskset -c "$SERVER_CPU" /usr/bin/memcached -u nobody -l 127.0.0.1 -p "$MC_PORT" -U 0 -t 1 -m "$MEM_MB" \
	> "$OUT_DIR/memcached.log" 2>&1 &
MC_PID=$!
PIDS+=("$MC_PID")

# shellcheck disable=SC2086 # OURS_JAVA_OPTS and OURS_ARGS are lists of flags
taskset -c "$SERVER_CPU" java $OURS_JAVA_OPTS \
	-cp "$CLASSES_COPY:$(cat "$CP_FILE")" io.github.memcachedserver.server.MemcachedServerMain \
	-l 127.0.0.1 -p "$OURS_PORT" -t 1 -m "$MEM_MB" -c 2048 $OURS_ARGS > "$OUT_DIR/ours.log" 2>&1 &
OURS_PID=$!
PIDS+=("$OURS_PID")

wait_port "$MC_PORT"
wait_port "$OURS_PORT"

{
	echo "date: $(date -u +%FT%TZ)"
	echo "cpus: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
	echo "kernel: $(uname -r)"
	echo "memcached: $(/usr/bin/memcached -V)"
	echo "java: $(java -version 2>&1 | head -1)"
	echo "ours: pid $OURS_PID ($OURS_JAVA_OPTS -t 1 -m $MEM_MB -c 2048 $OURS_ARGS), memcached: pid $MC_PID (-t 1 -m $MEM_MB -U 0),"
	echo "server cpu $SERVER_CPU, client cpu $CLIENT_CPU, rounds $ROUNDS x ${SECS}s (+${LG_WARMUP}s loadgen warm-up) after a ${WARMUP_SECS}s warm-up round of ours"
	echo "workloads: $WORKLOADS (d: $D_CONNS conns at $D_RATE ops/s; e: $E_KEYS keys)"
} > "$OUT_DIR/env.txt"
cat "$OUT_DIR/env.txt"

# ---------------------------------------------------------------- one round
RESULTS="$OUT_DIR/results.tsv"
printf 'workload\tserver\tround\tops_per_sec\tp50_us\tp99_us\terrors\tserver_cpu_pct\tother_cpu_on_server_core_pct\tloadavg_before\tp999_us\tclient_cpu_pct\tmax_us\n' > "$RESULTS"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# sample_cpu PID DELAY_S LENGTH_S OUTFILE: server CPU% over a window inside the measured period
sample_cpu() {
	local pid=$1 delay=$2 len=$3 out=$4 a b ca cb
	sleep "$delay"
	a=$(cpu_ticks "$pid"); ca=$(core_busy "$SERVER_CPU")
	sleep "$len"
	b=$(cpu_ticks "$pid"); cb=$(core_busy "$SERVER_CPU")
	# "server% other%": other = everything else that ran on the server core (noise from neighbours)
	awk -v a="$a" -v b="$b" -v ca="$ca" -v cb="$cb" -v hz="$(getconf CLK_TCK)" -v len="$len" \
		'BEGIN {s = 100 * (b - a) / hz / len; c = 100 * (cb - ca) / hz / len; o = c - s; if (o < 0) o = 0;
		        printf "%.0f %.0f", s, o}' > "$out"
}

# busy ticks (user+nice+system+irq+softirq+steal) of one core
core_busy() { awk -v c="cpu$1" '$1 == c {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }

# quiet_gate: wait (up to QUIET_MAX_WAIT s) for a 1 s window in which both cores are < QUIET_PCT % busy,
# so that neighbours on this shared machine disturb the round as little as possible
QUIET_PCT="${QUIET_PCT:-20}"
QUIET_MAX_WAIT="${QUIET_MAX_WAIT:-60}"
quiet_gate() {
	local waited=0 a0 a1 b0 b1
	while ((waited < QUIET_MAX_WAIT)); do
		a0=$(core_busy 0); a1=$(core_busy 1); sleep 1; b0=$(core_busy 0); b1=$(core_busy 1)
		if (((b0 - a0) < QUIET_PCT && (b1 - a1) < QUIET_PCT)); then return 0; fi  # CLK_TCK=100: ticks == %
		waited=$((waited + 1))
	done
	echo "  (machine not quiet after ${QUIET_MAX_WAIT}s, running anyway)"
}

# run_round WORKLOAD SERVER(ours|memcached) ROUND [SECONDS]
run_round() {
	local wl=$1 srv=$2 round=$3 port pid idle
	local SECS=${4:-$SECS}
	if [[ $srv == ours ]]; then port=$OURS_PORT; pid=$OURS_PID; idle=$MC_PID; else port=$MC_PORT; pid=$MC_PID; idle=$OURS_PID; fi
	local log="$OUT_DIR/$wl-$srv-$round.log"
	local load ops p50 p99 p999=- ccpu=- max=- errs rc=0 sampler cpu other
	local window=$((SECS > 6 ? SECS - 4 : 2))
	# The server not measured is stopped for the round: its background threads (memcached's LRU
	# crawler and hash-table expansion after a fill, our JIT compiler) would run on the shared core.
	kill -STOP "$idle"
	quiet_gate
	load=$(cut -d' ' -f1 /proc/loadavg)
	case $wl in
	a_memaslap | a_memaslap_binary)
		sample_cpu "$pid" 2 "$window" "$log.cpu" &
		sampler=$!
		local binary=()
		if [[ $wl == a_memaslap_binary ]]; then binary=(-B); fi
		taskset -c "$CLIENT_CPU" memcaslap -s "127.0.0.1:$port" -T 1 -c "$CONNS" "${binary[@]}" \
			-F "$OUT_DIR/memaslap.cfg" -t "${SECS}s" -S "${SECS}s" > "$log" 2>&1 || rc=$?
		ops=$(grep -o 'TPS: [0-9]*' "$log" | tail -1 | awk '{print $2}')
		# memaslap has no percentiles: report its average latency (Total Statistics, Global row) as "p50"
		p50=$(awk '/^Total Statistics$/ {t = 1} t && /^Global/ {print "avg" $9; exit}' "$log"); p99=-
		errs=$(awk '/get_misses:/ {m=$2} END {print (m == "" ? "?" : "misses=" m)}' "$log")
		;;
	*)
		local args=(--port "$port" --duration "$SECS" --warmup "$LG_WARMUP")
		case $wl in
		a_loadgen) args+=(--conns "$CONNS" --depth 1) ;;
		b_batch16) args+=(--conns "$CONNS" --depth 16 --mode batch) ;;
		b_window16) args+=(--conns "$CONNS" --depth 16 --mode window) ;;
		b_meta16) args+=(--conns "$CONNS" --depth 16 --mode window --protocol meta) ;;
		c_set90_1k) args+=(--conns "$CONNS" --depth 1 --get-ratio 0.1 --value-size 1024) ;;
		d_open1000) args+=(--conns "$D_CONNS" --depth 1 --rate "$D_RATE") ;;
		e_100k) args+=(--conns "$CONNS" --depth 1 --value-size 102400 --keys "$E_KEYS") ;;
		g_conns1000) args+=(--conns "$D_CONNS" --depth 1 --keys 100000 --key-size 32) ;;
		f_1m_open | f_1m_after_ce) args+=(--conns "$D_CONNS" --depth 1 --rate "$D_RATE" --keys "$F_KEYS" --key-size 32) ;;
		*) echo "unknown workload $wl" >&2; exit 1 ;;
		esac
		sample_cpu "$pid" $((LG_WARMUP + 2)) "$window" "$log.cpu" &
		sampler=$!
		taskset -c "$CLIENT_CPU" "$LOADGEN" "${args[@]}" --timeline "$log.timeline" > "$log" 2>&1 || rc=$?
		read -r ops p50 p99 errs p999 ccpu max < <(sed -n 's/^RESULT ops_per_sec=\([0-9]*\) p50_us=\([0-9]*\) p99_us=\([0-9]*\) errors=\([0-9]*\) p999_us=\([0-9]*\) client_cpu=\([-0-9]*\) max_us=\([0-9]*\).*/\1 \2 \3 \4 \5 \6 \7/p' "$log") || true
		;;
	esac
	wait "$sampler" || true
	kill -CONT "$idle"
	read -r cpu other < <(cat "$log.cpu" 2>/dev/null || echo '? ?') || true
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$wl" "$srv" "$round" "${ops:-0}" "${p50:--}" "${p99:--}" \
		"${errs:-?}" "$cpu" "$other" "$load" "${p999:--}" "${ccpu:--}" "${max:--}" >> "$RESULTS"
	printf '%-11s %-9s %-6s ops/s=%-8s p50=%-8s p99=%-6s p999=%-7s errors=%-10s server_cpu=%s%% other_on_core=%s%% client_cpu=%s%% (rc=%s)\n' \
		"$wl" "$srv" "$round" "${ops:-0}" "${p50:--}" "${p99:--}" "${p999:--}" "${errs:-?}" "$cpu" "$other" "${ccpu:--}" "$rc"
}

# ---------------------------------------------------------------- memory per item
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# mc_stats PORT: "bytes curr_items evictions" from the server's `stats`
mc_stats() {
	python3 - "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"stats\r\n")
buf = b""
while not buf.endswith(b"END\r\n"):
    chunk = s.recv(65536)
    if not chunk:
        break
    buf += chunk
st = dict(l.split()[1:3] for l in buf.decode().splitlines() if l.startswith("STAT "))
print(st.get("bytes", "?"), st.get("curr_items", "?"), st.get("evictions", "?"))
PY
}
# live_heap PID: bytes of live objects after a full GC (GC.class_histogram runs one first)
live_heap() { jcmd "$1" GC.class_histogram > "$2" && awk '/^Total/ {print $3}' "$2"; }

memory_run() {
	local mport=$((MC_PORT + 100)) oport=$((OURS_PORT + 100)) mpid opid out="$OUT_DIR/memory.md"
	local m_rss0 m_rss1 o_rss0 o_rss1 o_rss2 o_live0 o_live1 m_st o_st
	taskset -c "$SERVER_CPU" /usr/bin/memcached -u nobody -l 127.0.0.1 -p "$mport" -U 0 -t 1 -m "$MEM_MB" \
		> "$OUT_DIR/mem-memcached.log" 2>&1 &
	mpid=$!
	PIDS+=("$mpid")
	# shellcheck disable=SC2086
	taskset -c "$SERVER_CPU" java $OURS_JAVA_OPTS -cp "$CLASSES_COPY:$(cat "$CP_FILE")" \
		io.github.memcachedserver.server.MemcachedServerMain -l 127.0.0.1 -p "$oport" -t 1 -m "$MEM_MB" \
		$OURS_ARGS > "$OUT_DIR/mem-ours.log" 2>&1 &
	opid=$!
	PIDS+=("$opid")
	wait_port "$mport"
	wait_port "$oport"
	sleep 2
	# memcached
	mc_stats "$mport" > /dev/null
	m_rss0=$(rss_kb "$mpid")
	taskset -c "$CLIENT_CPU" "$LOADGEN" --port "$mport" --fill "$MEM_ITEMS" --key-size 32 \
		--value-size 100 > "$OUT_DIR/mem-memcached-fill.log" 2>&1
	sleep 2
	m_rss1=$(rss_kb "$mpid")
	m_st=$(mc_stats "$mport")
	# ours: baseline after a full GC, fill, full GC again
	mc_stats "$oport" > /dev/null
	o_live0=$(live_heap "$opid" "$OUT_DIR/mem-ours-histo-before.txt")
	o_rss0=$(rss_kb "$opid")
	taskset -c "$CLIENT_CPU" "$LOADGEN" --port "$oport" --fill "$MEM_ITEMS" --key-size 32 \
		--value-size 100 > "$OUT_DIR/mem-ours-fill.log" 2>&1
	sleep 2
	o_rss1=$(rss_kb "$opid")
	o_live1=$(live_heap "$opid" "$OUT_DIR/mem-ours-histo-after.txt")
	o_rss2=$(rss_kb "$opid")
	jcmd "$opid" GC.heap_info > "$OUT_DIR/mem-ours-heap-info.txt" 2>&1 || true
	jcmd "$opid" VM.flags > "$OUT_DIR/mem-ours-vm-flags.txt" 2>&1 || true
	o_st=$(mc_stats "$oport")
	kill "$mpid" "$opid" 2>/dev/null || true
	python3 - "$MEM_ITEMS" "$m_rss0" "$m_rss1" "$m_st" "$o_rss0" "$o_rss1" "$o_rss2" "$o_live0" "$o_live1" "$o_st" \
		"$(grep -h '^RESULT' "$OUT_DIR/mem-memcached-fill.log" "$OUT_DIR/mem-ours-fill.log" | tr '\n' ' ')" > "$out" <<'PY'
import sys
n = int(sys.argv[1]); m0, m1 = int(sys.argv[2]), int(sys.argv[3]); mb, mi, me = sys.argv[4].split()
o0, o1, o2, l0, l1 = (int(x) for x in sys.argv[5:10]); ob, oi, oe = sys.argv[10].split()
m_rss = (m1 - m0) * 1024 / n; o_rss = (o1 - o0) * 1024 / n; o_live = (l1 - l0) / n
print(f"{n:,} items, 32-byte keys, 100-byte values (fill: {sys.argv[11].strip()})\n")
print("| server | RSS before -> after (MiB) | **RSS growth, bytes/item** | live heap growth after full GC, bytes/item | `stats` bytes / item | curr_items | evictions |")
print("|---|---|---|---|---|---|---|")
print(f"| memcached | {m0/1024:,.0f} -> {m1/1024:,.0f} | **{m_rss:,.0f}** | - | {int(mb)/n:,.0f} | {mi} | {me} |")
print(f"| ours | {o0/1024:,.0f} -> {o1/1024:,.0f} (after the 2nd full GC: {o2/1024:,.0f}) | **{o_rss:,.0f}** | {o_live:,.0f} ({l0/2**20:,.1f} -> {l1/2**20:,.1f} MiB) | {int(ob)/n:,.0f} | {oi} | {oe} |")
print(f"| **ratio ours/memcached** | | **{o_rss/m_rss:.2f}** | live heap / memcached RSS: **{o_live/m_rss:.2f}** | | | |")
PY
	cat "$out"
	echo "ours, top of the class histogram after the fill (mem-ours-histo-after.txt):"
	sed -n 1,10p "$OUT_DIR/mem-ours-histo-after.txt"
}

# ---------------------------------------------------------------- JFR profile of ours under (a)
jfr_run() {
	local jfr="$OUT_DIR/ours-a.jfr"
	quiet_gate
	jcmd "$OURS_PID" JFR.start name=bench settings=profile duration="${JFR_SECS}s" filename="$jfr" \
		> "$OUT_DIR/jfr-start.txt" 2>&1
	taskset -c "$CLIENT_CPU" "$LOADGEN" --port "$OURS_PORT" --conns "$CONNS" --depth 1 \
		--duration "$JFR_SECS" --warmup 0 > "$OUT_DIR/jfr-loadgen.log" 2>&1 || true
	for _ in $(seq 1 50); do
		[[ -s $jfr ]] && break
		sleep 0.2
	done
	sleep 1
	jfr print --events jdk.ExecutionSample,jdk.NativeMethodSample "$jfr" > "$OUT_DIR/jfr-samples.txt"
	python3 - "$OUT_DIR/jfr-samples.txt" > "$OUT_DIR/jfr-top.md" <<'PY'
import collections, re, sys
samples, cur = [], None
for line in open(sys.argv[1]):
    if line.startswith("jdk.ExecutionSample") or line.startswith("jdk.NativeMethodSample"):
        cur = {"kind": "native" if "Native" in line else "java", "frames": []}
        samples.append(cur)
    elif cur is not None:
        m = re.match(r"\s+([\w$.<>]+)\(.*\)\s+line:", line)
        if m:
            cur["frames"].append(m.group(1))
samples = [s for s in samples if s["frames"]]
java = [s for s in samples if s["kind"] == "java"]
print(f"{len(java)} Java execution samples, {len(samples) - len(java)} native-method samples "
      "(threads blocked in or running native code, e.g. epoll_wait/read/write)\n")
def top(title, counter, total, n=20):
    print(f"| {title} | samples | % |\n|---|---|---|")
    for k, v in counter.most_common(n):
        print(f"| `{k}` | {v} | {100 * v / total:.1f} |")
    print()
self_ = collections.Counter(s["frames"][0] for s in java)
top("top frame (self time), Java samples", self_, len(java))
incl = collections.Counter()
for s in java:
    for f in set(s["frames"]):
        incl[f] += 1
top("on the stack (inclusive), Java samples", collections.Counter(
    {k: v for k, v in incl.items() if k.startswith("io.github.memcachedserver")}), len(java), 25)
nat = collections.Counter(s["frames"][0] for s in samples if s["kind"] == "native")
if nat:
    top("native methods", nat, sum(nat.values()), 8)
PY
	cat "$OUT_DIR/jfr-top.md"
}

for wl in $WORKLOADS; do
	case $wl in
	mem_1m) memory_run; continue ;;
	jfr_a) jfr_run; continue ;;
	esac
	run_round "$wl" ours warmup "$WARMUP_SECS"
	for r in $(seq 1 "$ROUNDS"); do
		run_round "$wl" ours "$r"
		run_round "$wl" memcached "$r"
	done
done

# ---------------------------------------------------------------- summary (medians)
python3 - "$RESULTS" > "$OUT_DIR/summary.md" <<'EOF'
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1]), delimiter="\t") if r["round"] != "warmup"]
if not rows:
    sys.exit(0)
def num(v):
    v = v.removeprefix("avg")
    try:
        return float(v)
    except ValueError:
        return None
def med(wl, srv, col):
    vals = [num(r[col]) for r in rows if r["workload"] == wl and r["server"] == srv]
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None
def fmt(v):
    return "-" if v is None else f"{v:,.0f}"
print("| workload | server | ops/s (median) | p50 us | p99 us | p99.9 us | max us | server CPU % | other CPU % on server core | client loop CPU % | ops/s per round | p99 us per round | errors per round |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for wl in dict.fromkeys(r["workload"] for r in rows):
    for srv in ("ours", "memcached"):
        rs = [r for r in rows if r["workload"] == wl and r["server"] == srv]
        p50 = fmt(med(wl, srv, "p50_us"))
        if rs and rs[0]["p50_us"].startswith("avg"):
            p50 = "avg " + p50
        print(f"| {wl} | {srv} | {fmt(med(wl, srv, 'ops_per_sec'))} | {p50} | "
              f"{fmt(med(wl, srv, 'p99_us'))} | {fmt(med(wl, srv, 'p999_us'))} | {fmt(med(wl, srv, 'max_us'))} | {fmt(med(wl, srv, 'server_cpu_pct'))} | "
              f"{fmt(med(wl, srv, 'other_cpu_on_server_core_pct'))} | {fmt(med(wl, srv, 'client_cpu_pct'))} | "
              f"{', '.join(r['ops_per_sec'] for r in rs)} | {', '.join(r['p99_us'] for r in rs)} | "
              f"{', '.join(r['errors'] for r in rs)} |")
    if wl.startswith("d_") or wl.startswith("f_"):
        # fixed rate: the figure of merit is tail latency, ratios of the p99, p99.9 and max medians
        ratios = []
        for col in ("p99_us", "p999_us", "max_us"):
            o, m = med(wl, "ours", col), med(wl, "memcached", col)
            ratios.append(f"**{o / m:.2f}**" if o and m else "-")
        print(f"| {wl} | **tail ratios ours/memcached** | | | {' | '.join(ratios)} | | | | | | |")
        continue
    o, m = med(wl, "ours", "ops_per_sec"), med(wl, "memcached", "ops_per_sec")
    if o and m:
        print(f"| {wl} | **ratio ours/memcached** | **{o / m:.2f}** | | | | | | | | | | |")
EOF
cat "$OUT_DIR/summary.md"
echo "raw logs: $OUT_DIR"
