import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;

/**
 * Small load generator for the memcached text and meta protocols.
 *
 * <p>Single-threaded NIO, meant to be pinned to one core with taskset. Every reply is checked
 * byte for byte: a get hit must be exactly {@code VALUE <key> <flags> <len>\r\n<data>\r\nEND\r\n}
 * with the data and flags that belong to the key (values are a pure function of the key and the
 * value size, so a concurrent set on another connection cannot make a correct reply look
 * wrong), a set must be answered {@code STORED\r\n}. Anything else is an error, and so is a reply
 * that never arrives (requests still outstanding after the drain period) or a connection that
 * closes. All keys are preloaded first, so a get miss is counted as an error too.
 *
 * <p>{@code --protocol meta} sends {@code mg <key> v} and {@code ms <key> <len>} instead and
 * expects exactly {@code VA <len>\r\n<data>\r\n} and {@code HD\r\n} (a miss, {@code EN\r\n}, is an
 * error as in text mode).
 *
 * <p>Closed loop (default), per connection: {@code --mode window} keeps {@code --depth} requests
 * in flight, topping the window up in a single write every time replies arrive;
 * {@code --mode batch} writes {@code depth} requests in one write, waits for all {@code depth}
 * replies, and repeats. With {@code --depth 1} both modes are the same (one request in flight per
 * connection). Latency is measured from the write to the last byte of the reply.
 *
 * <p>Open loop, {@code --rate R}: requests are scheduled at a fixed total rate of R per second,
 * round-robin over the connections, and latency is measured from each request's <em>intended</em>
 * send time, not from when it was written. A server that stalls is charged for every request that
 * queued up behind the stall (no coordinated omission). A connection keeps at most {@code --depth}
 * requests in flight; a due request beyond that waits in the connection's backlog, and the wait
 * counts as latency. The loop busy-polls so that it sends on time; its own lateness (intended send
 * time to the moment the scheduler handled the request) is reported as "scheduler lag" and should
 * stay far below the latencies reported. Requests scheduled in the warm-up are not measured; the
 * measured ops/s counts the replies to requests scheduled inside the measured window.
 *
 * <pre>
 * java bench/LoadGen.java --port 11211 --conns 50 --depth 1 --duration 10 --warmup 2
 * java bench/LoadGen.java --port 11211 --conns 50 --depth 16 --protocol meta
 * java bench/LoadGen.java --port 11211 --conns 1000 --rate 20000
 * java bench/LoadGen.java --port 11211 --fill 1000000 --key-size 32 --value-size 100
 * </pre>
 *
 * <p>{@code --key-size N} makes the load keys exactly N bytes ({@code lg:key:} and zero-padded
 * digits) instead of 14; {@code --keys 1000000 --key-size 32} is the million-item workload (f).
 *
 * <p>{@code --fill N} only stores N distinct keys of exactly {@code --key-size} bytes (text
 * {@code set}, pipelined in batches of 1,000, every {@code STORED} checked), then reads back a
 * sample of 10,000 of them and checks each value; it is used to measure memory per item.
 *
 * Output ends with one machine-readable line starting with {@code RESULT}.
 */
public final class LoadGen {

	// ----- options -----
	static String host = "127.0.0.1";
	static int port = 11211;
	static int conns = 50;
	static int depth = 1;
	static double durationSec = 10;
	static double warmupSec = 2;
	static int keyCount = 10_000;
	static int valueSize = 100;
	static double getRatio = 0.9;
	static double drainSec = 5;
	static long seed = 42;
	static boolean batchMode = false;
	static boolean meta = false;
	static double rate = 0; // > 0: open loop at this total rate (ops/s)
	static int fill = 0; // > 0: only store this many keys (memory measurement)
	static int keySize = 32; // key length in --fill mode, and in load mode when --key-size is given
	static boolean keySizeGiven = false;

	// ----- precomputed protocol bytes, indexed by key -----
	static byte[][] getReq;
	static byte[][] setReq;
	static byte[][] hitReply;
	static byte[][] preloadReq; // always text "set", so flags are set too
	static final byte[] MISS_TEXT = ascii("END\r\n");
	static final byte[] MISS_META = ascii("EN\r\n");
	static final byte[] STORED_TEXT = ascii("STORED\r\n");
	static final byte[] STORED_META = ascii("HD\r\n");
	static byte[] miss;
	static byte[] stored;

	static final byte GET = 0;
	static final byte SET = 1;

	// ----- latency histogram: 1 us buckets up to 1 s, then 1 ms buckets up to 60 s -----
	static final int HIST_MAX_US = 1_000_000;
	static final int HIST_MAX_MS = 60_000;
	static final long[] hist = new long[HIST_MAX_US];
	static final long[] histMs = new long[HIST_MAX_MS + 1];
	// scheduler lag (open loop only), 1 us buckets up to 1 s
	static final long[] lagHist = new long[HIST_MAX_US + 1];
	static long lagCount, lagMaxUs;

	// ----- counters for the measured window -----
	static long mGets, mSets, mErrors;
	// ----- counters for the whole run -----
	static long totalOps, totalErrors, misses;
	static int errorsPrinted;
	static long readCalls, writeCalls, requestsWritten;

	static long measureStart, measureEnd;

	// one receive buffer for all connections: every read is consumed completely before the next
	static final ByteBuffer in = ByteBuffer.allocate(256 * 1024);

	public static void main(String[] args) throws Exception {
		parseArgs(args);
		if (fill > 0) {
			fillOnly();
			return;
		}
		buildProtocolBytes();
		preload();

		Selector selector = Selector.open();
		Conn[] all = new Conn[conns];
		int outCap = Math.max(16 * 1024, (depth + 1) * (setReq[0].length + 64));
		for (int i = 0; i < conns; i++) {
			SocketChannel ch = SocketChannel.open();
			ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
			ch.connect(new InetSocketAddress(host, port));
			ch.configureBlocking(false);
			Conn c = new Conn(i, ch, seed * 1_000_003L + i, outCap);
			c.key = ch.register(selector, SelectionKey.OP_READ, c);
			all[i] = c;
		}

		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long start = System.nanoTime();
		measureStart = start + (long) (warmupSec * 1e9);
		measureEnd = measureStart + (long) (durationSec * 1e9);
		long drainEnd = measureEnd + (long) (drainSec * 1e9);
		long cpuAtStart = -1, cpuAtEnd = -1;

		boolean open = rate > 0;
		double nanosPerOp = open ? 1e9 / rate : 0;
		long seq = 0; // open loop: next request to schedule
		Conn[] dirty = new Conn[conns];
		int dirtyCount = 0;

		if (!open) {
			for (Conn c : all) {
				c.fill(start);
				c.flush();
			}
		}

		boolean sending = true;
		while (true) {
			long now = System.nanoTime();
			if (cpuAtStart < 0 && now >= measureStart) {
				cpuAtStart = threads.getCurrentThreadCpuTime();
			}
			if (sending && now >= measureEnd) {
				sending = false;
				cpuAtEnd = threads.getCurrentThreadCpuTime();
			}
			if (!sending) {
				boolean idle = true;
				for (Conn c : all) {
					if (c.open && (c.inFlight > 0 || c.backlog > 0)) {
						idle = false;
						break;
					}
				}
				if (idle || now >= drainEnd) {
					break;
				}
			}
			if (open) {
				// schedule every request that is due; intended times stop at the end of the measured window
				while (true) {
					long intended = start + (long) (seq * nanosPerOp);
					if (intended > now || intended >= measureEnd) {
						break;
					}
					long lagUs = (now - intended) / 1000;
					lagHist[(int) Math.min(lagUs, HIST_MAX_US)]++;
					lagCount++;
					lagMaxUs = Math.max(lagMaxUs, lagUs);
					Conn c = all[(int) (seq % conns)];
					seq++;
					if (!c.open) {
						continue;
					}
					c.schedule(intended);
					if (!c.dirty) {
						c.dirty = true;
						dirty[dirtyCount++] = c;
					}
				}
				for (int i = 0; i < dirtyCount; i++) {
					Conn c = dirty[i];
					c.dirty = false;
					if (c.open) {
						c.flush();
					}
				}
				dirtyCount = 0;
				if (selector.selectNow() == 0) {
					continue; // busy-poll without allocating an iterator
				}
			}
			else {
				selector.select(10);
			}
			Iterator<SelectionKey> it = selector.selectedKeys().iterator();
			while (it.hasNext()) {
				SelectionKey k = it.next();
				it.remove();
				Conn c = (Conn) k.attachment();
				if (!c.open) {
					continue;
				}
				if (k.isValid() && k.isWritable()) {
					c.flush();
				}
				if (k.isValid() && k.isReadable()) {
					c.read(sending);
				}
			}
		}
		if (cpuAtEnd < 0) {
			cpuAtEnd = threads.getCurrentThreadCpuTime();
		}

		long missing = 0;
		for (Conn c : all) {
			if (c.open) {
				missing += c.inFlight + c.backlog;
				c.ch.close();
			}
			else {
				missing += c.lostOnClose;
			}
		}
		if (missing > 0) {
			error(-1, "no reply for " + missing
					+ " request(s) (unanswered or never sent after drain, or lost on a closed connection)");
			totalErrors += missing - 1;
			mErrors += missing - 1;
		}
		double clientCpuPct = cpuAtStart < 0 ? -1 : 100.0 * (cpuAtEnd - cpuAtStart) / (durationSec * 1e9);
		report(clientCpuPct);
	}

	// ---------------------------------------------------------------------------------------
	static final class Conn {

		final int id;
		final SocketChannel ch;
		SelectionKey key;
		boolean open = true;
		boolean dirty;
		long rnd;

		final ByteBuffer out;

		// FIFO of outstanding requests (ring buffer, capacity = depth)
		final int[] qKey;
		final byte[] qType;
		final long[] qSent;
		int qHead, inFlight;
		long lostOnClose;

		// open loop: intended send times of due requests not yet written (ring buffer, grows)
		long[] bl = new long[16];
		int blHead, backlog;

		// progress matching the head reply
		int matchPos;
		byte[] expected; // null until the first byte of the head reply is seen

		Conn(int id, SocketChannel ch, long seed, int outCap) {
			this.id = id;
			this.ch = ch;
			this.rnd = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
			this.out = ByteBuffer.allocateDirect(outCap);
			qKey = new int[depth];
			qType = new byte[depth];
			qSent = new long[depth];
		}

		long nextRandom() {
			long x = rnd;
			x ^= x << 13;
			x ^= x >>> 7;
			x ^= x << 17;
			rnd = x;
			return x;
		}

		/** Puts one new request into the output buffer; {@code t0} is where its latency starts. */
		void send(long t0) {
			long r = nextRandom();
			int k = (int) Long.remainderUnsigned(r >>> 16, keyCount);
			byte type = ((r & 0xFFFF) < (long) (getRatio * 65536)) ? GET : SET;
			byte[] req = type == GET ? getReq[k] : setReq[k];
			out.put(req);
			requestsWritten++;
			int slot = (qHead + inFlight) % depth;
			qKey[slot] = k;
			qType[slot] = type;
			qSent[slot] = t0;
			inFlight++;
		}

		/** Closed loop: top the window up to {@code depth} requests; they go out with the next flush. */
		void fill(long now) {
			while (inFlight < depth) {
				send(now);
			}
		}

		/** Open loop: a request is due at {@code intended}; send it now or queue it. */
		void schedule(long intended) {
			if (inFlight < depth && backlog == 0) {
				send(intended);
				return;
			}
			if (backlog == bl.length) {
				long[] grown = new long[bl.length * 2];
				for (int i = 0; i < backlog; i++) {
					grown[i] = bl[(blHead + i) % bl.length];
				}
				bl = grown;
				blHead = 0;
			}
			bl[(blHead + backlog) % bl.length] = intended;
			backlog++;
		}

		/** Open loop: move backlogged requests into the window as replies free it. */
		boolean drainBacklog() {
			boolean sent = false;
			while (backlog > 0 && inFlight < depth) {
				send(bl[blHead]);
				blHead = (blHead + 1) % bl.length;
				backlog--;
				sent = true;
			}
			return sent;
		}

		void flush() {
			out.flip();
			try {
				ch.write(out);
				writeCalls++;
			}
			catch (IOException e) {
				out.clear();
				fail("write failed: " + e);
				return;
			}
			out.compact();
			int ops = out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
			if (key.interestOps() != ops) {
				key.interestOps(ops);
			}
		}

		void read(boolean sending) {
			int n;
			in.clear();
			try {
				n = ch.read(in);
				readCalls++;
			}
			catch (IOException e) {
				fail("read failed: " + e);
				return;
			}
			if (n < 0) {
				fail("connection closed by server with " + inFlight + " request(s) outstanding");
				return;
			}
			long now = System.nanoTime();
			in.flip();
			byte[] buf = in.array();
			while (in.hasRemaining()) {
				if (inFlight == 0) {
					fail("unsolicited bytes from server: " + preview(in));
					return;
				}
				int slot = qHead;
				if (expected == null) {
					byte first = in.get(in.position());
					if (qType[slot] == SET) {
						expected = stored;
					}
					else if (first == 'V') {
						expected = hitReply[qKey[slot]];
					}
					else if (first == 'E') {
						expected = miss;
					}
					else {
						fail("unexpected reply to get " + qKey[slot] + ": " + preview(in));
						return;
					}
					matchPos = 0;
				}
				byte[] exp = expected;
				int pos = in.position();
				int len = Math.min(in.remaining(), exp.length - matchPos);
				int bad = Arrays.mismatch(buf, pos, pos + len, exp, matchPos, matchPos + len);
				if (bad >= 0) {
					in.position(pos + bad);
					fail("reply mismatch for " + (qType[slot] == GET ? "get" : "set") + " of key " + qKey[slot]
							+ " at byte " + (matchPos + bad) + ": " + preview(in));
					return;
				}
				in.position(pos + len);
				matchPos += len;
				if (matchPos == exp.length) {
					complete(slot, now, exp == miss);
					expected = null;
					qHead = (qHead + 1) % depth;
					inFlight--;
				}
			}
			if (rate > 0) {
				// requests due during the drain were scheduled before the end: still send them
				if (drainBacklog()) {
					flush();
				}
			}
			else if (sending && now < measureEnd && (!batchMode || inFlight == 0)) {
				fill(now);
				flush();
			}
		}

		void complete(int slot, long now, boolean isMiss) {
			totalOps++;
			if (isMiss) {
				// every key is preloaded and the data set is far below -m, so a miss is wrong
				misses++;
				error(id, "get miss for preloaded key " + qKey[slot]);
			}
			long t0 = qSent[slot];
			// closed loop: count what completes inside the window; open loop: what was scheduled inside it
			long t = rate > 0 ? t0 : now;
			if (t >= measureStart && t < measureEnd) {
				if (qType[slot] == GET) {
					mGets++;
				}
				else {
					mSets++;
				}
				if (isMiss) {
					mErrors++;
				}
				long us = (now - t0) / 1000;
				if (us < HIST_MAX_US) {
					hist[(int) us]++;
				}
				else {
					histMs[(int) Math.min(us / 1000, HIST_MAX_MS)]++;
				}
			}
			if (isMiss) {
				totalErrors++;
			}
		}

		void fail(String why) {
			error(id, why);
			totalErrors++;
			lostOnClose = Math.max(0, inFlight - 1) + backlog;
			open = false;
			key.cancel();
			try {
				ch.close();
			}
			catch (IOException ignored) {
			}
		}
	}

	// ---------------------------------------------------------------------------------------
	static void error(int conn, String msg) {
		if (errorsPrinted++ < 10) {
			System.err.println("ERROR conn " + conn + ": " + msg);
		}
	}

	static String preview(ByteBuffer b) {
		int n = Math.min(b.remaining(), 60);
		byte[] tmp = new byte[n];
		b.duplicate().get(tmp);
		return "'" + new String(tmp, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n") + "'";
	}

	static byte[] ascii(String s) {
		return s.getBytes(StandardCharsets.US_ASCII);
	}

	static String keyName(int k) {
		if (keySizeGiven) {
			String digits = Integer.toString(k);
			return "lg:key:" + "0".repeat(Math.max(0, keySize - 7 - digits.length())) + digits;
		}
		return String.format(Locale.ROOT, "lg:key:%07d", k);
	}

	static int flagsOf(int k) {
		return (k * 7919) & 0xFFFF;
	}

	/** Value bytes are a pure function of the key (and the value size): printable, no CR/LF. */
	static byte[] valueOf(int k) {
		byte[] v = new byte[valueSize];
		long x = 0x9E3779B97F4A7C15L ^ (k + 1L) * 0xBF58476D1CE4E5B9L;
		for (int i = 0; i < valueSize; i++) {
			x ^= x << 13;
			x ^= x >>> 7;
			x ^= x << 17;
			v[i] = (byte) ('a' + Long.remainderUnsigned(x, 26));
		}
		return v;
	}

	static byte[] concat(byte[]... parts) {
		int n = 0;
		for (byte[] p : parts) {
			n += p.length;
		}
		byte[] r = new byte[n];
		int o = 0;
		for (byte[] p : parts) {
			System.arraycopy(p, 0, r, o, p.length);
			o += p.length;
		}
		return r;
	}

	static void buildProtocolBytes() {
		getReq = new byte[keyCount][];
		setReq = new byte[keyCount][];
		hitReply = new byte[keyCount][];
		preloadReq = new byte[keyCount][];
		miss = meta ? MISS_META : MISS_TEXT;
		stored = meta ? STORED_META : STORED_TEXT;
		byte[] crlf = ascii("\r\n");
		for (int k = 0; k < keyCount; k++) {
			String key = keyName(k);
			byte[] v = valueOf(k);
			preloadReq[k] = concat(ascii("set " + key + " " + flagsOf(k) + " 0 " + valueSize + "\r\n"), v, crlf);
			if (meta) {
				getReq[k] = ascii("mg " + key + " v\r\n");
				setReq[k] = concat(ascii("ms " + key + " " + valueSize + "\r\n"), v, crlf);
				hitReply[k] = concat(ascii("VA " + valueSize + "\r\n"), v, crlf);
			}
			else {
				getReq[k] = ascii("get " + key + "\r\n");
				setReq[k] = preloadReq[k];
				hitReply[k] = concat(ascii("VALUE " + key + " " + flagsOf(k) + " " + valueSize + "\r\n"), v,
						ascii("\r\nEND\r\n"));
			}
		}
	}

	/** Store every key once (blocking, in batches, text protocol) so that every later get must hit. */
	static void preload() throws IOException {
		byte[] ok = STORED_TEXT;
		try (SocketChannel ch = SocketChannel.open(new InetSocketAddress(host, port))) {
			ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
			int batch = Math.max(1, Math.min(200, (1 << 20) / (preloadReq[0].length + 16)));
			ByteBuffer out = ByteBuffer.allocate(batch * (preloadReq[0].length + 16));
			ByteBuffer rin = ByteBuffer.allocate(batch * ok.length);
			for (int from = 0; from < keyCount; from += batch) {
				int to = Math.min(keyCount, from + batch);
				out.clear();
				for (int k = from; k < to; k++) {
					out.put(preloadReq[k]);
				}
				out.flip();
				while (out.hasRemaining()) {
					ch.write(out);
				}
				rin.clear();
				rin.limit((to - from) * ok.length);
				while (rin.hasRemaining()) {
					if (ch.read(rin) < 0) {
						throw new IOException("server closed the connection during preload");
					}
				}
				rin.flip();
				for (int i = 0; i < rin.limit(); i++) {
					if (rin.get(i) != ok[i % ok.length]) {
						throw new IOException("preload: unexpected reply " + preview(rin));
					}
				}
			}
		}
	}

	static String fillKey(int i) {
		String digits = Integer.toString(i);
		return "mem:" + "0".repeat(Math.max(0, keySize - 4 - digits.length())) + digits;
	}

	/** {@code --fill}: store {@code fill} keys, check every answer, read back a sample. */
	static void fillOnly() throws IOException {
		long t0 = System.nanoTime();
		byte[] ok = STORED_TEXT;
		byte[] crlf = ascii("\r\n");
		int batch = 1000;
		try (SocketChannel ch = SocketChannel.open(new InetSocketAddress(host, port))) {
			ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
			ByteBuffer out = ByteBuffer.allocate(batch * (keySize + valueSize + 64));
			ByteBuffer rin = ByteBuffer.allocate(batch * ok.length);
			for (int from = 0; from < fill; from += batch) {
				int to = Math.min(fill, from + batch);
				out.clear();
				for (int k = from; k < to; k++) {
					out.put(ascii("set " + fillKey(k) + " " + flagsOf(k) + " 0 " + valueSize + "\r\n"));
					out.put(valueOf(k)).put(crlf);
				}
				out.flip();
				while (out.hasRemaining()) {
					ch.write(out);
				}
				rin.clear();
				rin.limit((to - from) * ok.length);
				while (rin.hasRemaining()) {
					if (ch.read(rin) < 0) {
						throw new IOException("server closed the connection during fill");
					}
				}
				for (int i = 0; i < rin.limit(); i++) {
					if (rin.get(i) != ok[i % ok.length]) {
						rin.position(i - i % ok.length);
						throw new IOException("fill: unexpected reply " + preview(rin));
					}
				}
			}
			// read back a sample, one at a time
			int sample = Math.min(fill, 10_000);
			ByteBuffer one = ByteBuffer.allocate(valueSize + keySize + 128);
			for (int i = 0; i < sample; i++) {
				int k = (int) ((long) i * fill / sample);
				String key = fillKey(k);
				byte[] expect = concat(ascii("VALUE " + key + " " + flagsOf(k) + " " + valueSize + "\r\n"), valueOf(k),
						ascii("\r\nEND\r\n"));
				ch.write(ByteBuffer.wrap(ascii("get " + key + "\r\n")));
				one.clear();
				one.limit(expect.length);
				while (one.hasRemaining()) {
					if (ch.read(one) < 0) {
						throw new IOException("server closed the connection during read-back");
					}
				}
				if (Arrays.mismatch(one.array(), 0, expect.length, expect, 0, expect.length) >= 0) {
					one.flip();
					throw new IOException("read-back of " + key + " (evicted or wrong?): " + preview(one));
				}
			}
			System.out.printf(Locale.ROOT, "filled %d keys of %d bytes with %d-byte values in %.1f s, %d read back OK%n",
					fill, keySize, valueSize, (System.nanoTime() - t0) / 1e9, sample);
			System.out.printf(Locale.ROOT, "RESULT filled=%d errors=0%n", fill);
		}
	}

	static long percentileUs(double p, long total) {
		long rank = (long) Math.ceil(p * total);
		if (rank <= 0) {
			return 0;
		}
		long seen = 0;
		for (int i = 0; i < HIST_MAX_US; i++) {
			seen += hist[i];
			if (seen >= rank) {
				return i;
			}
		}
		for (int i = 0; i <= HIST_MAX_MS; i++) {
			seen += histMs[i];
			if (seen >= rank) {
				return i * 1000L;
			}
		}
		return HIST_MAX_MS * 1000L;
	}

	static long lagPercentileUs(double p) {
		long rank = (long) Math.ceil(p * lagCount);
		long seen = 0;
		for (int i = 0; i <= HIST_MAX_US && rank > 0; i++) {
			seen += lagHist[i];
			if (seen >= rank) {
				return i;
			}
		}
		return 0;
	}

	static void report(double clientCpuPct) {
		long ops = mGets + mSets;
		double opsPerSec = ops / durationSec;
		long p50 = percentileUs(0.50, ops);
		long p99 = percentileUs(0.99, ops);
		long p999 = percentileUs(0.999, ops);
		long max = percentileUs(1.0, ops);
		System.out.printf(Locale.ROOT,
				"target %s:%d protocol=%s conns=%d depth=%d mode=%s keys=%d value=%dB get=%.0f%% warmup=%.1fs measured=%.1fs%n",
				host, port, meta ? "meta" : "text", conns, depth,
				rate > 0 ? String.format(Locale.ROOT, "open-loop rate=%.0f/s", rate) : batchMode ? "batch" : "window",
				keyCount, valueSize, getRatio * 100, warmupSec, durationSec);
		System.out.printf(Locale.ROOT, "measured: %d ops (%d get, %d set) = %.0f ops/s%n", ops, mGets, mSets,
				opsPerSec);
		System.out.printf(Locale.ROOT, "latency (%s -> full reply, us): p50=%d p99=%d p99.9=%d max=%d%n",
				rate > 0 ? "intended send time" : "send", p50, p99, p999, max);
		if (rate > 0) {
			System.out.printf(Locale.ROOT, "scheduler lag (client lateness, us): p50=%d p99=%d p99.9=%d max=%d%n",
					lagPercentileUs(0.5), lagPercentileUs(0.99), lagPercentileUs(0.999), lagMaxUs);
		}
		System.out.printf(Locale.ROOT, "whole run: %d replies verified, %d errors (%d misses)%n", totalOps,
				totalErrors, misses);
		System.out.printf(Locale.ROOT,
				"client: %.2f requests per write(), %.2f replies per read(), loop thread CPU %.0f%% of the measured window%n",
				requestsWritten / (double) Math.max(1, writeCalls), totalOps / (double) Math.max(1, readCalls),
				clientCpuPct);
		System.out.printf(Locale.ROOT,
				"RESULT ops_per_sec=%.0f p50_us=%d p99_us=%d errors=%d p999_us=%d client_cpu=%.0f max_us=%d%n", opsPerSec,
				p50, p99, totalErrors, p999, clientCpuPct, max);
		if (totalErrors > 0) {
			System.exit(2);
		}
	}

	static void parseArgs(String[] args) {
		for (int i = 0; i < args.length; i++) {
			String a = args[i];
			String v = i + 1 < args.length ? args[i + 1] : null;
			if (a.equals("-h") || a.equals("--help")) {
				System.out.println("options: --host H --port P --conns N --depth D --duration S --warmup S "
						+ "--keys N --value-size B --get-ratio R --drain S --seed N --mode window|batch "
						+ "--protocol text|meta --rate OPS_PER_SEC | --fill N --key-size B --value-size B");
				System.exit(0);
			}
			if (v == null) {
				throw new IllegalArgumentException("missing value for " + a);
			}
			i++;
			switch (a) {
				case "--host" -> host = v;
				case "--port" -> port = Integer.parseInt(v);
				case "--conns" -> conns = Integer.parseInt(v);
				case "--depth" -> depth = Integer.parseInt(v);
				case "--duration" -> durationSec = Double.parseDouble(v);
				case "--warmup" -> warmupSec = Double.parseDouble(v);
				case "--keys" -> keyCount = Integer.parseInt(v);
				case "--value-size" -> valueSize = Integer.parseInt(v);
				case "--get-ratio" -> getRatio = Double.parseDouble(v);
				case "--drain" -> drainSec = Double.parseDouble(v);
				case "--seed" -> seed = Long.parseLong(v);
				case "--rate" -> rate = Double.parseDouble(v);
				case "--fill" -> fill = Integer.parseInt(v);
				case "--key-size" -> {
					keySize = Integer.parseInt(v);
					keySizeGiven = true;
				}
				case "--mode" -> batchMode = switch (v) {
					case "window" -> false;
					case "batch" -> true;
					default -> throw new IllegalArgumentException("--mode must be window or batch");
				};
				case "--protocol" -> meta = switch (v) {
					case "text" -> false;
					case "meta" -> true;
					default -> throw new IllegalArgumentException("--protocol must be text or meta");
				};
				default -> throw new IllegalArgumentException("unknown option " + a);
			}
		}
		if (conns < 1 || depth < 1 || keyCount < 1 || valueSize < 0 || durationSec <= 0 || rate < 0) {
			throw new IllegalArgumentException("bad option value");
		}
	}
}
