package io.github.memcachedserver.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.routing.PrefixRoutingHandler;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import io.github.memcachedserver.testing.ExternalTool;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.fail;

/**
 * Seeded random command streams, sent in the same random chunks to the real memcached and to
 * our server, answers compared after the differential suite's normalisation (CAS uniques as a
 * pattern). A stream that differs is shrunk to the fewest commands that still differ and
 * printed as a case for the differential suite.
 * <p>
 * The grammar (classic text, meta and binary commands over three keys; edge numbers; values
 * with {@code \r\n}, zero bytes, spaces and digits; absolute and past expiry times; the meta
 * flags of the newest protocol document; lines memcached refuses for a bad number, flag or
 * command name, and lines ending in a lone {@code \n}) leaves out what does not compare: commands
 * with effects on the whole server ({@code flush_all}, {@code stats}), flags whose answers depend
 * on the second they run in ({@code t}, {@code l}), short TTLs, and the malformed lines the listed
 * deviations answer differently (missing or extra tokens, {@code noreply} on an error, refused
 * storage lines), which the case files cover.
 * Every text command is followed by an {@code mn}, so each answer is known by its command: the
 * listed deviations are accepted by the rules of {@link FuzzDeviations}, command by command.
 * <p>
 * CI runs {@code fuzz.streams} streams (default 1,000) on each of the seeds {@code fuzz.seeds}
 * (default 1,2,3), against the built-in store and against two built-in stores behind a
 * {@link PrefixRoutingHandler}. A longer run:
 * {@code mvn -pl memcached-server-core test -Dtest=DifferentialFuzzTests -Dfuzz.streams=5000}.
 */
class DifferentialFuzzTests {

	private static final Path MEMCACHED = Paths.get("/usr/bin/memcached");

	private static final byte[] TEXT_END = "version\r\n".getBytes(StandardCharsets.US_ASCII);

	/** Sent after every text command; its answer separates the answers of two commands. */
	private static final byte[] MARKER = "mn\r\n".getBytes(StandardCharsets.US_ASCII);

	private static final String MARKER_ANSWER = "MN\r\n";

	/** Streams use three keys, {@code a}, {@code b} and {@code c}. */
	private static final int KEYS = 3;

	/** The opaque of the binary no-op that closes every binary stream. */
	private static final int BINARY_END_OPAQUE = 0x5eed5eed;

	@TestFactory
	Stream<DynamicTest> randomStreamsAnswerAsMemcachedDoes() {
		ExternalTool.require(Files.isExecutable(MEMCACHED), "memcached");
		int streams = Integer.getInteger("fuzz.streams", 1000);
		return Arrays.stream(System.getProperty("fuzz.seeds", "1,2,3").split(","))
			.map(String::trim)
			.map(Long::parseLong)
			.flatMap((seed) -> Stream.of(Subject.BUILT_IN_STORE, Subject.ROUTED)
				.map((subject) -> DynamicTest.dynamicTest("seed " + seed + subject.description(),
						() -> fuzz(seed, streams, subject))));
	}

	private static void fuzz(long seed, int streams, Subject subject) throws IOException {
		try (MemcachedProcess memcached = MemcachedProcess.start(MEMCACHED); OurServer ours = subject.start(memcached)) {
			Random random = new Random(seed);
			for (int n = 0; n < streams; n++) {
				boolean binary = random.nextInt(3) == 0;
				String prefix = "s" + seed + "_" + n + "_";
				List<byte[]> commands = new ArrayList<>();
				Set<Character> divergedKeys = new HashSet<>();
				for (int i = 1 + random.nextInt(20); i > 0 && divergedKeys.size() < KEYS; i--) {
					char k = key(random, divergedKeys);
					byte[] command = binary ? binaryCommand(random, prefix, k)
							: textCommand(random, key(k, prefix), key(key(random, divergedKeys), prefix));
					if (!binary && FuzzDeviations.divergesKey(commandLine(command))) {
						divergedKeys.add(k);
					}
					commands.add(command);
				}
				long chunking = random.nextLong();
				String difference = difference(commands, binary, chunking, memcached.port(), ours.port());
				if (difference != null) {
					confirmOnFreshServers(seed, n, commands, binary, chunking, difference, subject);
				}
			}
		}
	}

	/**
	 * A difference counts only when it is there again on servers that ran nothing else: seen
	 * once, memcached sometimes answers an incr differently after other streams (its answer
	 * then depends on memory earlier streams left behind). A confirmed difference
	 * is shrunk on fresh servers too.
	 */
	private static void confirmOnFreshServers(long seed, int n, List<byte[]> commands, boolean binary, long chunking,
			String difference, Subject subject) throws IOException {
		try (MemcachedProcess memcached = MemcachedProcess.start(MEMCACHED); OurServer ours = subject.start(memcached)) {
			if (difference(commands, binary, chunking, memcached.port(), ours.port()) == null) {
				System.out.printf("seed %d stream %d differed once but not on fresh servers:%n%s%n", seed, n,
						difference);
				return;
			}
			List<byte[]> smallest = shrink(commands, binary, chunking, memcached.port(), ours.port());
			byte[] printable = sent(smallest, binary, "k".getBytes(StandardCharsets.US_ASCII));
			fail("seed %d stream %d differs from memcached:%n%s%nsmallest reproduction as a case:%n"
					+ "=== fuzz-%d-%d%n> %s%n", seed, n, difference, seed, n, Escapes.encode(printable));
		}
	}

	/**
	 * Our server as the streams meet it: on the built-in store, or with its keys routed by
	 * prefix as the sample routes them (key {@code a} of every stream to one built-in store,
	 * {@code b} and {@code c} to another).
	 * <p>
	 * Each routed store numbers its items' CAS uniques itself, memcached all of its items, so
	 * that two items of one stream could share a unique in one server only, and a command
	 * naming a small unique could match in one server only: before the first stream, both
	 * servers store {@value #CAS_PRELUDE_WRITES} items under a key of the second store (memcached's
	 * uniques and those of the second store start above every unique a command names), and the
	 * first store takes {@value #FIRST_ROUTE_CAS_START} uniques (above any the second reaches).
	 */
	private enum Subject {

		BUILT_IN_STORE(""), ROUTED(", keys routed by prefix");

		private static final int CAS_PRELUDE_WRITES = 100;

		private static final int FIRST_ROUTE_CAS_START = 1 << 18;

		private final String description;

		Subject(String description) {
			this.description = description;
		}

		String description() {
			return this.description;
		}

		OurServer start(MemcachedProcess memcached) throws IOException {
			if (this == BUILT_IN_STORE) {
				return OurServer.start(null, null);
			}
			ConcurrentMapMemcachedStore first = new ConcurrentMapMemcachedStore();
			Session session = new Session(0, null, null);
			Entry entry = new Entry(new byte[0], 0, Entry.NEVER);
			for (int i = 0; i < FIRST_ROUTE_CAS_START; i++) {
				first.set(session, Key.of("a"), entry).block();
			}
			OurServer ours = OurServer.start(null,
					PrefixRoutingHandler.of(Map.of("a", first), new ConcurrentMapMemcachedStore()));
			byte[] prelude = "set b 0 0 0 noreply\r\n\r\n".repeat(CAS_PRELUDE_WRITES)
				.getBytes(StandardCharsets.US_ASCII);
			exchange(memcached.port(), prelude, TEXT_END, false, 0);
			exchange(ours.port(), prelude, TEXT_END, false, 0);
			return ours;
		}

	}

	/** Drops commands one by one while the rest still differs; each try uses fresh keys. */
	private static List<byte[]> shrink(List<byte[]> commands, boolean binary, long chunking, int reference,
			int target) throws IOException {
		List<byte[]> current = new ArrayList<>(commands);
		boolean removed = true;
		while (removed) {
			removed = false;
			for (int i = 0; i < current.size() && current.size() > 1; i++) {
				List<byte[]> candidate = new ArrayList<>(current);
				candidate.remove(i);
				if (difference(candidate, binary, chunking, reference, target) != null) {
					current = candidate;
					removed = true;
					i--;
				}
			}
		}
		return current;
	}

	/**
	 * Runs a stream on both servers, under keys no earlier run used, and describes how the
	 * answers differ, or returns {@code null} when they do not.
	 */
	private static String difference(List<byte[]> commands, boolean binary, long chunking, int reference, int target)
			throws IOException {
		byte[] fresh = ("r" + Long.toHexString(System.nanoTime())).getBytes(StandardCharsets.US_ASCII);
		byte[] stream = sent(commands, binary, fresh);
		byte[] end = binary ? binaryPacket(0x0a, new byte[0], new byte[0], new byte[0], BINARY_END_OPAQUE, 0) : TEXT_END;
		byte[] actual = exchange(target, stream, end, binary, chunking);
		byte[] expected = exchange(reference, stream, end, binary, chunking);
		Answers answers = binary ? binaryAnswers(expected, actual) : textAnswers(commands, expected, actual);
		if (answers.reference().equals(answers.ours())) {
			return null;
		}
		return "memcached: " + Escapes.encode(expected) + "\nours:      " + Escapes.encode(actual);
	}

	/** Both servers' answers to a stream, normalised, with the listed deviations accepted. */
	private record Answers(String reference, String ours) {

		static Answers normalized(String reference, String ours) {
			return new Answers(FuzzDeviations.withoutNumberPadding(reference),
					FuzzDeviations.withoutNumberPadding(ours));
		}

	}

	private static Answers binaryAnswers(byte[] reference, byte[] ours) {
		List<String> referencePackets = packets(reference);
		List<String> ourPackets = packets(ours);
		int same = 0;
		while (same < Math.min(referencePackets.size(), ourPackets.size())
				&& referencePackets.get(same).equals(ourPackets.get(same))) {
			same++;
		}
		if (same < referencePackets.size() && FuzzDeviations.isMemcachedLargeNumberDefect(referencePackets.get(same))) {
			referencePackets = referencePackets.subList(0, same);
			ourPackets = ourPackets.subList(0, same);
		}
		return Answers.normalized(String.join("", referencePackets), String.join("", ourPackets));
	}

	/** The bytes a stream sends: in text, every command is followed by the marker {@code mn}. */
	private static byte[] sent(List<byte[]> commands, boolean binary, byte[] fresh) {
		return concat(commands.stream()
			.map((c) -> withFreshKeys(c, fresh, binary))
			.map((c) -> binary ? c : concat(List.of(c, MARKER)))
			.toList());
	}

	/** The normaliser's lines, one per binary answer packet. */
	private static List<String> packets(byte[] answer) {
		return List.of(FuzzDeviations.withoutNumberPadding(normalized(answer)).split("(?<=\r\n)"));
	}

	/**
	 * The text answers: where our answer to a command differs from memcached's only as a listed
	 * deviation, ours in its place; where memcached's answer is chance, both cut there.
	 */
	private static Answers textAnswers(List<byte[]> commands, byte[] reference, byte[] ours) {
		List<String> referenceAnswers = answers(reference);
		List<String> ourAnswers = answers(ours);
		int commandsBoth = Math.min(commands.size(), Math.min(referenceAnswers.size(), ourAnswers.size()) - 1);
		for (int i = 0; i < commandsBoth; i++) {
			String command = commandLine(commands.get(i));
			String referenceAnswer = referenceAnswers.get(i);
			String ourAnswer = ourAnswers.get(i);
			if (referenceAnswer.equals(ourAnswer)) {
				continue;
			}
			if (FuzzDeviations.isMemcachedLargeNumberDefect(command, referenceAnswer, ourAnswer)) {
				referenceAnswers = referenceAnswers.subList(0, i);
				ourAnswers = ourAnswers.subList(0, i);
				break;
			}
			if (FuzzDeviations.accepts(command, referenceAnswer, ourAnswer)) {
				if (FuzzDeviations.divergesKey(command)) {
					// an item only we hold: its CAS unique is ours alone, and memcached may give
					// the same number to a later item, so it takes no part in the CAS pattern
					String withoutCas = FuzzDeviations.withoutCas(ourAnswer);
					referenceAnswers.set(i, withoutCas);
					ourAnswers.set(i, withoutCas);
				}
				else {
					// an item both hold shows memcached's CAS unique
					referenceAnswers.set(i, FuzzDeviations.withCasOf(ourAnswer, referenceAnswer));
				}
			}
		}
		return Answers.normalized(normalized(String.join(MARKER_ANSWER, referenceAnswers)),
				normalized(String.join(MARKER_ANSWER, ourAnswers)));
	}

	/** A text answer cut at the answers to the markers: one piece per command, then the rest. */
	private static List<String> answers(byte[] answer) {
		String text = FuzzDeviations.text(answer);
		List<String> pieces = new ArrayList<>();
		int start = 0;
		int line = 0;
		int eol;
		while ((eol = text.indexOf("\r\n", line)) >= 0) {
			if (text.startsWith(MARKER_ANSWER, line)) {
				pieces.add(text.substring(start, line));
				start = eol + 2;
			}
			line = eol + 2;
		}
		pieces.add(text.substring(start));
		return pieces;
	}

	private static String normalized(byte[] answer) {
		return FuzzDeviations.text(ResponseNormalizer.parse(answer, false).text());
	}

	private static String normalized(String answer) {
		return normalized(answer.getBytes(StandardCharsets.ISO_8859_1));
	}

	/** A text command's first line, without its data block. */
	private static String commandLine(byte[] command) {
		String text = FuzzDeviations.text(command);
		int eol = text.indexOf("\r\n");
		return (eol < 0) ? text : text.substring(0, eol);
	}

	/** Sends the stream in chunks cut at seeded places, then reads up to the closing answer. */
	private static byte[] exchange(int port, byte[] stream, byte[] end, boolean binary, long chunking)
			throws IOException {
		try (Socket socket = new Socket()) {
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			socket.setSoTimeout(3000);
			OutputStream out = socket.getOutputStream();
			Random cuts = new Random(chunking);
			try {
				int at = 0;
				while (at < stream.length) {
					int chunk = Math.min(stream.length - at, 1 + cuts.nextInt(64));
					out.write(stream, at, chunk);
					out.flush();
					at += chunk;
				}
				out.write(end);
				out.flush();
			}
			catch (IOException ex) {
				// the server closed the connection: what it answered before still counts
			}
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			byte[] buffer = new byte[65536];
			try {
				while (!ended(answer.toByteArray(), binary)) {
					int n = in.read(buffer);
					if (n < 0) {
						answer.write("[closed]".getBytes(StandardCharsets.US_ASCII));
						break;
					}
					answer.write(buffer, 0, n);
				}
			}
			catch (SocketTimeoutException ex) {
				answer.write("[no more answers]".getBytes(StandardCharsets.US_ASCII));
			}
			return answer.toByteArray();
		}
	}

	private static boolean ended(byte[] answer, boolean binary) {
		if (binary) {
			// walk the packets: the stream ends with the answer to the closing no-op
			int at = 0;
			while (at + 24 <= answer.length) {
				int body = ByteBuffer.wrap(answer, at + 8, 4).getInt();
				int opaque = ByteBuffer.wrap(answer, at + 12, 4).getInt();
				if (at + 24 + body > answer.length) {
					return false;
				}
				if ((answer[at + 1] & 0xff) == 0x0a && opaque == BINARY_END_OPAQUE) {
					return true;
				}
				at += 24 + body;
			}
			return false;
		}
		// the stream ends with the answer to the closing "version": a line of its own
		String text = new String(answer, StandardCharsets.ISO_8859_1);
		if (!text.endsWith("\r\n")) {
			return false;
		}
		int previous = text.lastIndexOf("\r\n", text.length() - 3);
		return text.startsWith("VERSION ", (previous < 0) ? 0 : previous + 2);
	}

	// ------------------------------------------------------------------ the grammar

	/** Keys are written with this placeholder, replaced by a fresh string on every run. */
	private static final byte[] KEY_MARK = "\u0001".getBytes(StandardCharsets.ISO_8859_1);

	/** One of the keys a stream still uses (a key some deviation made differ is used no more). */
	private static char key(Random random, Set<Character> divergedKeys) {
		char key;
		do {
			key = (char) ('a' + random.nextInt(KEYS));
		}
		while (divergedKeys.contains(key));
		return key;
	}

	/**
	 * The key named {@code k} of the stream {@code prefix} names: its letter first (routes
	 * split the keys by it), then the mark of this run's keys, then the stream's name.
	 */
	private static String key(char k, String prefix) {
		return k + "\u0001" + prefix;
	}

	private static final String[] NUMBERS = { "0", "1", "7", "42", "18446744073709551615", "18446744073709551614",
		"9223372036854775808", "10" };

	/** Relative, absolute and past expiry times; none that would expire while a stream runs. */
	private static final String[] EXPTIMES = { "0", "0", "-1", "1000", "2592000", "2592001", "2000000000" };

	private static byte[] value(Random random) {
		String[] pieces = { "1", "42", " ", "x", "\r\n", "\0", "18446744073709551615", "-3", "a b", "0" };
		StringBuilder value = new StringBuilder();
		for (int i = random.nextInt(4); i > 0; i--) {
			value.append(pieces[random.nextInt(pieces.length)]);
		}
		if (!value.isEmpty() && value.toString().isBlank()) {
			// memcached parses a number past the end of a value of white space alone (its data is
			// not terminated), so what it answers depends on the bytes that happen to follow
			value.append('x');
		}
		return value.toString().getBytes(StandardCharsets.ISO_8859_1);
	}

	/** A text command on the key named {@code key}; a multi-key get also asks for {@code other}. */
	private static byte[] textCommand(Random random, String k, String other) {
		String line = switch (random.nextInt(17)) {
			case 0, 1 -> storage(random, "set", k, "");
			case 2 -> storage(random, "add", k, "");
			case 3 -> storage(random, "replace", k, "");
			case 4 -> storage(random, random.nextBoolean() ? "append" : "prepend", k, "");
			case 5 -> storage(random, "cas", k, " " + NUMBERS[random.nextInt(NUMBERS.length)]);
			case 6 -> (random.nextBoolean() ? "get " : "gets ") + k + " " + other + "\r\n";
			case 7 -> "delete " + k + "\r\n";
			case 8 -> (random.nextBoolean() ? "incr " : "decr ") + k + " " + NUMBERS[random.nextInt(NUMBERS.length)]
					+ "\r\n";
			case 9 -> "touch " + k + " " + EXPTIMES[random.nextInt(EXPTIMES.length)] + "\r\n";
			case 10 -> (random.nextBoolean() ? "gat " : "gats ") + EXPTIMES[random.nextInt(EXPTIMES.length)] + " " + k
					+ "\r\n";
			case 11, 12 -> "mg " + k + flags(random, "vcfhksqOTNuC") + "\r\n";
			case 13 -> meta(random, k);
			case 14 -> "md " + k + flags(random, "qIOkx") + "\r\n";
			case 15 -> "ma " + k + flags(random, "NJDMqvcOk") + "\r\n";
			default -> malformed(random, k);
		};
		return line.getBytes(StandardCharsets.ISO_8859_1);
	}

	/** Numbers and expiry times memcached refuses; each one token, so no token goes missing. */
	private static final String[] BAD_NUMBERS = { "abc", "-1", "18446744073709551616", "1x", "+1", "99999999999",
		"0x10", "1.5" };

	/**
	 * A line memcached refuses, or one ending in a lone {@code "\n"}. None of the kinds the
	 * listed deviations change: no missing or extra tokens, no {@code noreply}, no refused
	 * storage line whose data memcached 1.6.18 would run as a command.
	 */
	private static String malformed(Random random, String k) {
		String bad = BAD_NUMBERS[random.nextInt(BAD_NUMBERS.length)];
		String line = switch (random.nextInt(9)) {
			case 0 -> (random.nextBoolean() ? "incr " : "decr ") + k + " " + bad;
			case 1 -> "touch " + k + " " + bad;
			case 2 -> (random.nextBoolean() ? "gat " : "gats ") + bad + " " + k;
			case 3 -> new String[] { "foo " + k, "GET " + k, "gets\t" + k, "mz " + k, "verbosity " + bad }[random.nextInt(5)];
			case 4 -> "mg " + k + " " + new String[] { "T", "N", "R" }[random.nextInt(3)] + bad + flags(random, "vcfk");
			case 5 -> "ma " + k + " " + new String[] { "D", "J", "N", "M" }[random.nextInt(4)] + bad + flags(random, "vq");
			case 6 -> "md " + k + " " + new String[] { "C", "T" }[random.nextInt(2)] + bad + flags(random, "qk");
			case 7 -> "mg " + k + " " + new String[] { "v v", "!", "c k c", "Oa Ob" }[random.nextInt(4)];
			default -> (random.nextBoolean() ? "get " : "mg ") + k;
		};
		// a lone "\n" ends a line as well as "\r\n"
		return line + (random.nextInt(3) == 0 ? "\n" : "\r\n");
	}

	private static String storage(Random random, String command, String key, String cas) {
		byte[] data = value(random);
		String flags = random.nextBoolean() ? "0" : String.valueOf(random.nextInt(70000));
		return command + " " + key + " " + flags + " " + EXPTIMES[random.nextInt(EXPTIMES.length)] + " " + data.length
				+ cas + "\r\n" + new String(data, StandardCharsets.ISO_8859_1) + "\r\n";
	}

	private static String meta(Random random, String key) {
		byte[] data = value(random);
		return "ms " + key + " " + data.length + flags(random, "TFcqIMCOksNE") + "\r\n"
				+ new String(data, StandardCharsets.ISO_8859_1) + "\r\n";
	}

	/** A random subset of the given meta flags, each with a value where it takes one. */
	private static String flags(Random random, String allowed) {
		StringBuilder flags = new StringBuilder();
		for (char flag : allowed.toCharArray()) {
			if (random.nextInt(3) != 0) {
				continue;
			}
			flags.append(' ').append(flag);
			switch (flag) {
				case 'T', 'N' -> flags.append(EXPTIMES[random.nextInt(EXPTIMES.length)]);
				case 'J', 'D' -> flags.append(NUMBERS[random.nextInt(NUMBERS.length)]);
				case 'E' -> flags.append(1 + random.nextInt(1000));
				case 'F' -> flags.append(random.nextInt(70000));
				case 'C' -> flags.append(NUMBERS[random.nextInt(3)]);
				case 'O' -> flags.append("op").append(random.nextInt(100));
				case 'M' -> flags.append("SEAPRI+-D".charAt(random.nextInt(9)));
				default -> {
				}
			}
		}
		return flags.toString();
	}

	private static byte[] binaryCommand(Random random, String prefix, char key) {
		byte[] k = key(key, prefix).getBytes(StandardCharsets.ISO_8859_1);
		ByteBuffer extras;
		int opaque = random.nextInt(1000);
		long cas = (random.nextInt(5) == 0) ? 1 + random.nextInt(3) : 0;
		return switch (random.nextInt(10)) {
			case 0, 1, 2 -> {
				int op = new int[] { 0x01, 0x02, 0x03, 0x11, 0x12, 0x13 }[random.nextInt(6)];
				extras = ByteBuffer.allocate(8).putInt(random.nextInt(70000)).putInt(binaryExptime(random));
				yield binaryPacket(op, extras.array(), k, value(random), opaque, cas);
			}
			case 3, 4 -> binaryPacket(new int[] { 0x00, 0x09, 0x0c, 0x0d }[random.nextInt(4)], new byte[0], k,
					new byte[0], opaque, 0);
			case 5 -> binaryPacket(random.nextBoolean() ? 0x04 : 0x14, new byte[0], k, new byte[0], opaque, cas);
			case 6 -> {
				extras = ByteBuffer.allocate(20)
					.putLong(Long.parseUnsignedLong(NUMBERS[random.nextInt(NUMBERS.length)]))
					.putLong(Long.parseUnsignedLong(NUMBERS[random.nextInt(NUMBERS.length)]))
					.putInt(random.nextInt(4) == 0 ? 0xffffffff : binaryExptime(random));
				yield binaryPacket(new int[] { 0x05, 0x06, 0x15, 0x16 }[random.nextInt(4)], extras.array(), k,
						new byte[0], opaque, cas);
			}
			case 7 -> binaryPacket(new int[] { 0x0e, 0x0f, 0x19, 0x1a }[random.nextInt(4)], new byte[0], k,
					value(random), opaque, cas);
			case 8 -> {
				extras = ByteBuffer.allocate(4).putInt(binaryExptime(random));
				yield binaryPacket(new int[] { 0x1c, 0x1d, 0x1e, 0x23, 0x24 }[random.nextInt(5)], extras.array(), k,
					new byte[0], opaque, 0);
			}
			default -> binaryPacket(0x0a, new byte[0], new byte[0], new byte[0], opaque, 0);
		};
	}

	private static int binaryExptime(Random random) {
		return (int) Long.parseLong(EXPTIMES[random.nextInt(EXPTIMES.length)].replace("-1", "0"));
	}

	private static byte[] binaryPacket(int opcode, byte[] extras, byte[] key, byte[] value, int opaque, long cas) {
		int body = extras.length + key.length + value.length;
		return ByteBuffer.allocate(24 + body)
			.put((byte) 0x80)
			.put((byte) opcode)
			.putShort((short) key.length)
			.put((byte) extras.length)
			.put((byte) 0)
			.putShort((short) 0)
			.putInt(body)
			.putInt(opaque)
			.putLong(cas)
			.put(extras)
			.put(key)
			.put(value)
			.array();
	}

	/**
	 * Replaces the key mark with a prefix no earlier run used: anywhere in a text command (its
	 * data holds no mark), only in the key of a binary request (whose lengths then grow).
	 */
	private static byte[] withFreshKeys(byte[] command, byte[] fresh, boolean binary) {
		if (!binary) {
			return replaceMarks(command, 0, command.length, fresh);
		}
		ByteBuffer header = ByteBuffer.wrap(command);
		int keyLength = header.getShort(2) & 0xffff;
		if (keyLength == 0) {
			return command;
		}
		int keyStart = 24 + (command[4] & 0xff);
		byte[] replaced = replaceMarks(command, keyStart, keyStart + keyLength, fresh);
		int grown = replaced.length - command.length;
		ByteBuffer.wrap(replaced).putShort(2, (short) (keyLength + grown)).putInt(8, header.getInt(8) + grown);
		return replaced;
	}

	private static byte[] replaceMarks(byte[] bytes, int from, int to, byte[] fresh) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 16);
		for (int i = 0; i < bytes.length; i++) {
			if (i >= from && i < to && bytes[i] == KEY_MARK[0]) {
				out.writeBytes(fresh);
			}
			else {
				out.write(bytes[i]);
			}
		}
		return out.toByteArray();
	}

	private static byte[] concat(List<byte[]> parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		parts.forEach(out::writeBytes);
		return out.toByteArray();
	}

}
