import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;

/**
 * Small closed-loop load generator for the memcached text protocol.
 *
 * <p>Single-threaded NIO, meant to be pinned to one core with taskset. Every reply is checked
 * byte for byte: a get hit must be exactly {@code VALUE <key> <flags> <len>\r\n<data>\r\nEND\r\n}
 * with the data and flags that belong to the key (values are a pure function of the key, so a
 * concurrent set on another connection cannot make a correct reply look wrong), a set must be
 * answered {@code STORED\r\n}. Anything else is an error, and so is a reply that never arrives
 * (requests still outstanding after the drain period) or a connection that closes. All keys are
 * preloaded first, so a get miss is counted as an error too.
 *
 * <p>Pipelining, per connection: {@code --mode window} (default) keeps {@code --depth} requests in
 * flight, topping the window up in a single write every time replies arrive; {@code --mode batch}
 * writes {@code depth} requests in one write, waits for all {@code depth} replies, and repeats.
 * With {@code --depth 1} both modes are the same (one request in flight per connection).
 *
 * <pre>
 * java bench/LoadGen.java --port 11211 --conns 50 --depth 1 --duration 10 --warmup 2
 * </pre>
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

	// ----- precomputed protocol bytes, indexed by key -----
	static byte[][] getReq;
	static byte[][] setReq;
	static byte[][] hitReply;
	static final byte[] MISS = ascii("END\r\n");
	static final byte[] STORED = ascii("STORED\r\n");

	static final byte GET = 0;
	static final byte SET = 1;

	// ----- latency histogram: 1 microsecond buckets up to 1 s, plus overflow -----
	static final int HIST_MAX_US = 1_000_000;
	static final long[] hist = new long[HIST_MAX_US + 1];

	// ----- counters for the measured window -----
	static long mGets, mSets, mErrors;
	// ----- counters for the whole run -----
	static long totalOps, totalErrors, misses;
	static int errorsPrinted;
	static long readCalls, writeCalls, requestsWritten;

	static long measureStart, measureEnd;

	public static void main(String[] args) throws Exception {
		parseArgs(args);
		buildProtocolBytes();
		preload();

		Selector selector = Selector.open();
		Conn[] all = new Conn[conns];
		for (int i = 0; i < conns; i++) {
			SocketChannel ch = SocketChannel.open();
			ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
			ch.connect(new InetSocketAddress(host, port));
			ch.configureBlocking(false);
			Conn c = new Conn(i, ch, seed * 1_000_003L + i);
			c.key = ch.register(selector, SelectionKey.OP_READ, c);
			all[i] = c;
		}

		long start = System.nanoTime();
		measureStart = start + (long) (warmupSec * 1e9);
		measureEnd = measureStart + (long) (durationSec * 1e9);
		long drainEnd = measureEnd + (long) (drainSec * 1e9);

		for (Conn c : all) {
			c.fill(start);
			c.flush();
		}

		boolean sending = true;
		while (true) {
			long now = System.nanoTime();
			if (sending && now >= measureEnd) {
				sending = false;
			}
			if (!sending) {
				boolean idle = true;
				for (Conn c : all) {
					if (c.open && c.inFlight > 0) {
						idle = false;
						break;
					}
				}
				if (idle || now >= drainEnd) {
					break;
				}
			}
			selector.select(10);
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

		long missing = 0;
		for (Conn c : all) {
			if (c.open) {
				missing += c.inFlight;
				c.ch.close();
			}
			else {
				missing += c.lostOnClose;
			}
		}
		if (missing > 0) {
			error(-1, "no reply for " + missing + " request(s) (unanswered after drain or lost on a closed connection)");
			totalErrors += missing - 1;
			mErrors += missing - 1;
		}
		report();
	}

	// ---------------------------------------------------------------------------------------
	static final class Conn {

		final int id;
		final SocketChannel ch;
		SelectionKey key;
		boolean open = true;
		long rnd;

		final ByteBuffer in = ByteBuffer.allocateDirect(256 * 1024);
		final ByteBuffer out = ByteBuffer.allocateDirect(256 * 1024);

		// FIFO of outstanding requests (ring buffer, capacity = depth)
		final int[] qKey;
		final byte[] qType;
		final long[] qSent;
		int qHead, inFlight;
		long lostOnClose;

		// progress matching the head reply
		int matchPos;
		byte[] expected; // null until the first byte of the head reply is seen

		Conn(int id, SocketChannel ch, long seed) {
			this.id = id;
			this.ch = ch;
			this.rnd = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
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

		/** Top the window up to {@code depth} requests; they go out with the next flush. */
		void fill(long now) {
			while (inFlight < depth) {
				long r = nextRandom();
				int k = (int) Long.remainderUnsigned(r >>> 16, keyCount);
				byte type = ((r & 0xFFFF) < (long) (getRatio * 65536)) ? GET : SET;
				byte[] req = type == GET ? getReq[k] : setReq[k];
				out.put(req);
				requestsWritten++;
				int slot = (qHead + inFlight) % depth;
				qKey[slot] = k;
				qType[slot] = type;
				qSent[slot] = now;
				inFlight++;
			}
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
			while (in.hasRemaining()) {
				if (inFlight == 0) {
					fail("unsolicited bytes from server: " + preview(in));
					return;
				}
				int slot = qHead;
				if (expected == null) {
					byte first = in.get(in.position());
					if (qType[slot] == SET) {
						expected = STORED;
					}
					else if (first == 'V') {
						expected = hitReply[qKey[slot]];
					}
					else if (first == 'E') {
						expected = MISS;
					}
					else {
						fail("unexpected reply to get " + qKey[slot] + ": " + preview(in));
						return;
					}
					matchPos = 0;
				}
				byte[] exp = expected;
				int avail = in.remaining();
				int need = exp.length - matchPos;
				int len = Math.min(avail, need);
				for (int i = 0; i < len; i++) {
					if (in.get() != exp[matchPos + i]) {
						in.position(in.position() - 1);
						fail("reply mismatch for " + (qType[slot] == GET ? "get" : "set") + " of key " + qKey[slot]
								+ " at byte " + (matchPos + i) + ": " + preview(in));
						return;
					}
				}
				matchPos += len;
				if (matchPos == exp.length) {
					complete(slot, now, exp == MISS);
					expected = null;
					qHead = (qHead + 1) % depth;
					inFlight--;
				}
			}
			in.clear();
			if (sending && now < measureEnd && (!batchMode || inFlight == 0)) {
				fill(now);
				flush();
			}
		}

		void complete(int slot, long now, boolean miss) {
			totalOps++;
			if (miss) {
				// every key is preloaded and the data set is far below -m, so a miss is wrong
				misses++;
				error(id, "get miss for preloaded key " + qKey[slot]);
			}
			if (now >= measureStart && now < measureEnd) {
				if (qType[slot] == GET) {
					mGets++;
				}
				else {
					mSets++;
				}
				if (miss) {
					mErrors++;
				}
				long us = (now - qSent[slot]) / 1000;
				hist[(int) Math.min(us, HIST_MAX_US)]++;
			}
			if (miss) {
				totalErrors++;
			}
		}

		void fail(String why) {
			error(id, why);
			totalErrors++;
			lostOnClose = Math.max(0, inFlight - 1);
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
		return String.format(Locale.ROOT, "lg:key:%07d", k);
	}

	static int flagsOf(int k) {
		return (k * 7919) & 0xFFFF;
	}

	/** Value bytes are a pure function of the key: printable, no CR/LF. */
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
		byte[] crlf = ascii("\r\n");
		for (int k = 0; k < keyCount; k++) {
			String key = keyName(k);
			byte[] v = valueOf(k);
			getReq[k] = ascii("get " + key + "\r\n");
			setReq[k] = concat(ascii("set " + key + " " + flagsOf(k) + " 0 " + valueSize + "\r\n"), v, crlf);
			hitReply[k] = concat(ascii("VALUE " + key + " " + flagsOf(k) + " " + valueSize + "\r\n"), v,
					ascii("\r\nEND\r\n"));
		}
	}

	/** Store every key once (blocking, in batches) so that every later get must hit. */
	static void preload() throws IOException {
		try (SocketChannel ch = SocketChannel.open(new InetSocketAddress(host, port))) {
			ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
			int batch = 200;
			ByteBuffer out = ByteBuffer.allocate(batch * (setReq[0].length + 16));
			ByteBuffer in = ByteBuffer.allocate(batch * STORED.length);
			for (int from = 0; from < keyCount; from += batch) {
				int to = Math.min(keyCount, from + batch);
				out.clear();
				for (int k = from; k < to; k++) {
					out.put(setReq[k]);
				}
				out.flip();
				while (out.hasRemaining()) {
					ch.write(out);
				}
				in.clear();
				in.limit((to - from) * STORED.length);
				while (in.hasRemaining()) {
					if (ch.read(in) < 0) {
						throw new IOException("server closed the connection during preload");
					}
				}
				in.flip();
				for (int i = 0; i < in.limit(); i++) {
					if (in.get(i) != STORED[i % STORED.length]) {
						throw new IOException("preload: unexpected reply " + preview(in));
					}
				}
			}
		}
	}

	static long percentileUs(double p, long total) {
		long rank = (long) Math.ceil(p * total);
		long seen = 0;
		for (int i = 0; i <= HIST_MAX_US; i++) {
			seen += hist[i];
			if (seen >= rank && rank > 0) {
				return i;
			}
		}
		return HIST_MAX_US;
	}

	static void report() {
		long ops = mGets + mSets;
		double opsPerSec = ops / durationSec;
		long p50 = percentileUs(0.50, ops);
		long p99 = percentileUs(0.99, ops);
		long p999 = percentileUs(0.999, ops);
		System.out.printf(Locale.ROOT,
				"target %s:%d conns=%d depth=%d mode=%s keys=%d value=%dB get=%.0f%% warmup=%.1fs measured=%.1fs%n", host, port,
				conns, depth, batchMode ? "batch" : "window", keyCount, valueSize, getRatio * 100, warmupSec, durationSec);
		System.out.printf(Locale.ROOT, "measured: %d ops (%d get, %d set) = %.0f ops/s%n", ops, mGets, mSets,
				opsPerSec);
		System.out.printf(Locale.ROOT, "latency (send->full reply, us, 1us buckets): p50=%d p99=%d p99.9=%d%n", p50,
				p99, p999);
		System.out.printf(Locale.ROOT, "whole run: %d replies verified, %d errors (%d misses)%n", totalOps,
				totalErrors, misses);
		System.out.printf(Locale.ROOT, "client syscalls: %.2f requests per write(), %.2f replies per read()%n",
				requestsWritten / (double) Math.max(1, writeCalls), totalOps / (double) Math.max(1, readCalls));
		System.out.printf(Locale.ROOT, "RESULT ops_per_sec=%.0f p50_us=%d p99_us=%d errors=%d%n", opsPerSec, p50, p99,
				totalErrors);
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
						+ "--keys N --value-size B --get-ratio R --drain S --seed N --mode window|batch");
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
				case "--mode" -> batchMode = switch (v) {
					case "window" -> false;
					case "batch" -> true;
					default -> throw new IllegalArgumentException("--mode must be window or batch");
				};
				default -> throw new IllegalArgumentException("unknown option " + a);
			}
		}
		if (conns < 1 || depth < 1 || keyCount < 1 || valueSize < 0 || durationSec <= 0) {
			throw new IllegalArgumentException("bad option value");
		}
	}
}
