#!/usr/bin/env bash
# Side-by-side load figure: memcached-server (ours) vs the real memcached.
#
#   bench/run-load.sh                # build, then run every workload
#   SKIP_BUILD=1 bench/run-load.sh   # reuse /work/bench-classes and the saved classpath
#
# Layout: server pinned to core SERVER_CPU, load generator to core CLIENT_CPU (taskset).
# Both servers run with one worker thread. For every workload: one discarded warm-up round
# against ours (JIT), then ours/memcached alternated ROUNDS times. Raw output and a markdown
# summary (medians, ratio ours/memcached) go to OUT_DIR.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
OUT_DIR="${OUT_DIR:-/work/bench-run/results-$(date +%Y%m%d-%H%M%S)}"
CLASSES_COPY="${CLASSES_COPY:-/work/bench-classes}"
CP_FILE="${CP_FILE:-/work/bench-run/bench-cp-runtime.txt}"
LOADGEN_DIR="${LOADGEN_DIR:-/work/bench-run/loadgen-classes}"
SERVER_CPU="${SERVER_CPU:-1}"
CLIENT_CPU="${CLIENT_CPU:-0}"
MC_PORT="${MC_PORT:-41211}"
OURS_PORT="${OURS_PORT:-41212}"
ROUNDS="${ROUNDS:-3}"
SECS="${SECS:-10}"          # measured seconds per round
LG_WARMUP="${LG_WARMUP:-2}" # seconds at the start of each loadgen round that are not measured
CONNS="${CONNS:-50}"
WORKLOADS="${WORKLOADS:-a_memaslap a_loadgen b_batch16 b_window16}"

mkdir -p "$OUT_DIR" "$(dirname "$CP_FILE")"

# ---------------------------------------------------------------- build (ours + loadgen)
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
	(cd "$REPO" && mvn -B -q -pl memcached-server-core install -DskipTests)
	# runtime scope only: no test jars, so no slf4j binding -> silent logging
	(cd "$REPO" && mvn -B -q -pl memcached-server-core dependency:build-classpath \
		-DincludeScope=runtime -Dmdep.outputFile="$CP_FILE")
	# private copy: target/ may be rebuilt while we run
	rm -rf "$CLASSES_COPY"
	cp -r "$REPO/memcached-server-core/target/classes" "$CLASSES_COPY"
fi
mkdir -p "$LOADGEN_DIR"
javac -d "$LOADGEN_DIR" "$REPO/bench/LoadGen.java"

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
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
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

taskset -c "$SERVER_CPU" /usr/bin/memcached -u nobody -l 127.0.0.1 -p "$MC_PORT" -U 0 -t 1 -m 64 \
	> "$OUT_DIR/memcached.log" 2>&1 &
MC_PID=$!
PIDS+=("$MC_PID")

taskset -c "$SERVER_CPU" java -Dio.netty.leakDetection.level=disabled \
	-cp "$CLASSES_COPY:$(cat "$CP_FILE")" io.github.memcachedserver.server.MemcachedServerMain \
	-l 127.0.0.1 -p "$OURS_PORT" -t 1 -m 64 > "$OUT_DIR/ours.log" 2>&1 &
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
	echo "ours: pid $OURS_PID, memcached: pid $MC_PID, server cpu $SERVER_CPU, client cpu $CLIENT_CPU"
} > "$OUT_DIR/env.txt"
cat "$OUT_DIR/env.txt"

# ---------------------------------------------------------------- one round
RESULTS="$OUT_DIR/results.tsv"
printf 'workload\tserver\tround\tops_per_sec\tp50_us\tp99_us\terrors\tserver_cpu_pct\tother_cpu_on_server_core_pct\tloadavg_before\n' > "$RESULTS"

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

# run_round WORKLOAD SERVER(ours|memcached) ROUND
run_round() {
	local wl=$1 srv=$2 round=$3 port pid
	if [[ $srv == ours ]]; then port=$OURS_PORT; pid=$OURS_PID; else port=$MC_PORT; pid=$MC_PID; fi
	local log="$OUT_DIR/$wl-$srv-$round.log"
	local load ops p50 p99 errs rc=0 sampler cpu other
	local window=$((SECS > 6 ? SECS - 4 : 2))
	quiet_gate
	load=$(cut -d' ' -f1 /proc/loadavg)
	case $wl in
	a_memaslap)
		sample_cpu "$pid" 2 "$window" "$log.cpu" &
		sampler=$!
		taskset -c "$CLIENT_CPU" memcaslap -s "127.0.0.1:$port" -T 1 -c "$CONNS" \
			-F "$OUT_DIR/memaslap.cfg" -t "${SECS}s" -S "${SECS}s" > "$log" 2>&1 || rc=$?
		ops=$(grep -o 'TPS: [0-9]*' "$log" | tail -1 | awk '{print $2}')
		# memaslap has no percentiles: report its average latency (Total Statistics, Global row) as "p50"
		p50=$(awk '/^Total Statistics$/ {t = 1} t && /^Global/ {print "avg" $9; exit}' "$log"); p99=-
		errs=$(awk '/get_misses:/ {m=$2} END {print (m == "" ? "?" : "misses=" m)}' "$log")
		;;
	a_loadgen | b_batch16 | b_window16)
		local args=(--port "$port" --conns "$CONNS" --duration "$SECS" --warmup "$LG_WARMUP")
		case $wl in
		a_loadgen) args+=(--depth 1) ;;
		b_batch16) args+=(--depth 16 --mode batch) ;;
		b_window16) args+=(--depth 16 --mode window) ;;
		esac
		sample_cpu "$pid" $((LG_WARMUP + 2)) "$window" "$log.cpu" &
		sampler=$!
		taskset -c "$CLIENT_CPU" java -cp "$LOADGEN_DIR" LoadGen "${args[@]}" > "$log" 2>&1 || rc=$?
		read -r ops p50 p99 errs < <(sed -n 's/^RESULT ops_per_sec=\([0-9]*\) p50_us=\([0-9]*\) p99_us=\([0-9]*\) errors=\([0-9]*\).*/\1 \2 \3 \4/p' "$log") || true
		;;
	esac
	wait "$sampler" || true
	read -r cpu other < <(cat "$log.cpu" 2>/dev/null || echo '? ?') || true
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$wl" "$srv" "$round" "${ops:-0}" "${p50:--}" "${p99:--}" \
		"${errs:-?}" "$cpu" "$other" "$load" >> "$RESULTS"
	printf '%-11s %-9s %-6s ops/s=%-8s p50=%-8s p99=%-6s errors=%-10s server_cpu=%s%% other_on_core=%s%% (rc=%s)\n' \
		"$wl" "$srv" "$round" "${ops:-0}" "${p50:--}" "${p99:--}" "${errs:-?}" "$cpu" "$other" "$rc"
}

for wl in $WORKLOADS; do
	run_round "$wl" ours warmup
	for r in $(seq 1 "$ROUNDS"); do
		run_round "$wl" ours "$r"
		run_round "$wl" memcached "$r"
	done
done

# ---------------------------------------------------------------- summary (medians)
python3 - "$RESULTS" > "$OUT_DIR/summary.md" <<'EOF'
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1]), delimiter="\t") if r["round"] != "warmup"]
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
print("| workload | server | ops/s (median) | p50 us | p99 us | server CPU % | other CPU % on server core | ops/s per round | errors per round |")
print("|---|---|---|---|---|---|---|---|---|")
for wl in dict.fromkeys(r["workload"] for r in rows):
    for srv in ("ours", "memcached"):
        rs = [r for r in rows if r["workload"] == wl and r["server"] == srv]
        p50 = fmt(med(wl, srv, "p50_us"))
        if rs and rs[0]["p50_us"].startswith("avg"):
            p50 = "avg " + p50
        print(f"| {wl} | {srv} | {fmt(med(wl, srv, 'ops_per_sec'))} | {p50} | "
              f"{fmt(med(wl, srv, 'p99_us'))} | {fmt(med(wl, srv, 'server_cpu_pct'))} | "
              f"{fmt(med(wl, srv, 'other_cpu_on_server_core_pct'))} | "
              f"{', '.join(r['ops_per_sec'] for r in rs)} | {', '.join(r['errors'] for r in rs)} |")
    o, m = med(wl, "ours", "ops_per_sec"), med(wl, "memcached", "ops_per_sec")
    if o and m:
        print(f"| {wl} | **ratio ours/memcached** | **{o / m:.2f}** | | | | | | |")
EOF
cat "$OUT_DIR/summary.md"
echo "raw logs: $OUT_DIR"
