package io.github.memcachedserver.hardening;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.server.MemcachedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Graceful shutdown under load: several clients pipeline {@code set}s of unique keys over raw
 * sockets while the server is stopped; afterwards both sides are counted.
 * <ul>
 * <li>Every key the server answered {@code STORED} was applied by the handler (strict: an
 * acknowledged write is never lost).</li>
 * <li>Every key the handler applied was answered, or its connection was closed before the
 * answer arrived (the client saw the end of the stream without it).</li>
 * </ul>
 * The handler refuses some keys ({@code NOT_STORED}, not applied), chosen by the key's
 * number, so each client can also check that every answer belongs to the request in its
 * position. Some keys are applied at once, some applied then answered after a short
 * {@link Mono#delay}, some applied only after the delay, so the stop finds commands in every
 * stage: decoded and queued, running in the handler, applied but unanswered.
 */
class ShutdownUnderLoadIntegrationTests {

	private static final int PIPELINING_CLIENTS = 6;

	private static final int CHURNING_CLIENTS = 3;

	/** Requests one pipelining client may have unanswered, so the drain stays short. */
	private static final int MAX_UNANSWERED = 150;

	private static final Duration LOAD_BEFORE_STOP = Duration.ofMillis(1500);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private final RecordingHandler handler = new RecordingHandler();

	private final AtomicLong keyNumbers = new AtomicLong();

	private final AtomicBoolean stopping = new AtomicBoolean();

	private final List<ClientLog> logs = new CopyOnWriteArrayList<>();

	private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

	@Test
	@Timeout(30)
	void everyAcknowledgedWriteIsAppliedAndEveryAppliedWriteAnsweredOrCutOff() throws Exception {
		MemcachedServer server = MemcachedServer.builder().handler(this.handler).listen("127.0.0.1:0").build().start();
		int port = server.port();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < PIPELINING_CLIENTS; i++) {
			ClientLog log = new ClientLog("pipeline-" + i);
			Socket socket = connect(port);
			this.logs.add(log);
			threads.add(start(log.name + "-writer", () -> pipelineWrites(socket, log)));
			threads.add(start(log.name + "-reader", () -> readAnswers(socket, log)));
		}
		for (int i = 0; i < CHURNING_CLIENTS; i++) {
			String name = "churn-" + i;
			threads.add(start(name, () -> churn(port, name)));
		}

		Thread.sleep(LOAD_BEFORE_STOP.toMillis());
		long appliedBeforeStop = this.handler.applied.size();
		long stopStarted = System.nanoTime();
		server.stop(STOP_TIMEOUT);
		Duration stopTook = Duration.ofNanos(System.nanoTime() - stopStarted);
		this.stopping.set(true);
		for (Thread thread : threads) {
			thread.join(Duration.ofSeconds(10).toMillis());
			assertThat(thread.isAlive()).as("%s finished", thread.getName()).isFalse();
		}

		// count both sides
		Set<String> sent = new HashSet<>();
		Set<String> answeredStored = new HashSet<>();
		Set<String> answeredRefused = new HashSet<>();
		int connections = 0;
		int cutWithUnansweredRequests = 0;
		for (ClientLog log : this.logs) {
			connections++;
			sent.addAll(log.sent);
			for (int i = 0; i < log.answers.size(); i++) {
				String key = log.sent.get(i);
				(log.answers.get(i).equals("STORED") ? answeredStored : answeredRefused).add(key);
			}
			if (log.answers.size() < log.sent.size()) {
				cutWithUnansweredRequests++;
			}
		}
		Set<String> applied = Set.copyOf(this.handler.applied.keySet());
		Set<String> storedButNotApplied = minus(answeredStored, applied);
		Set<String> appliedNotAnswered = minus(applied, answeredStored);
		Set<String> appliedNeverSent = minus(applied, sent);
		Set<String> refusedButApplied = new HashSet<>(answeredRefused);
		refusedButApplied.retainAll(applied);
		Set<String> sentNeitherAppliedNorAnswered = minus(minus(minus(sent, applied), answeredStored), answeredRefused);

		System.out.printf(
				"shutdown under load: %d connections (%d cut with requests unanswered), %d sets sent, "
						+ "%d applied (%d before stop() began), %d answered STORED, %d answered NOT_STORED; "
						+ "answered STORED but not applied: %d; applied but not answered (connection closed first): %d; "
						+ "sent, never applied nor answered (unread at the stop): %d; stop took %d ms%n",
				connections, cutWithUnansweredRequests, sent.size(), applied.size(), appliedBeforeStop,
				answeredStored.size(), answeredRefused.size(), storedButNotApplied.size(), appliedNotAnswered.size(),
				sentNeitherAppliedNorAnswered.size(), stopTook.toMillis());

		assertThat(this.problems).as("client-side protocol problems").isEmpty();
		assertThat(answeredStored.size()).as("the load got going before the stop").isGreaterThan(500);
		// an acknowledged write is never lost
		assertThat(storedButNotApplied).as("answered STORED but never applied").isEmpty();
		assertThat(refusedButApplied).as("answered NOT_STORED yet applied").isEmpty();
		assertThat(appliedNeverSent).as("applied but no client sent it").isEmpty();
		// an applied write unanswered is allowed only because its connection ended without
		// the answer: every client read to the end of its stream (checked in readAnswers)
		for (ClientLog log : this.logs) {
			assertThat(log.ended).as("%s saw its connection end", log.name).isTrue();
		}
		assertThat(stopTook).as("stop() within its timeout").isLessThan(STOP_TIMEOUT.plusSeconds(2));
		try (Socket late = new Socket()) {
			late.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			throw new AssertionError("a stopped server accepted a connection");
		}
		catch (ConnectException expected) {
			// the listener is gone
		}
	}

	/** Writes batches of {@code set}s as long as the connection takes them. */
	private void pipelineWrites(Socket socket, ClientLog log) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		try {
			OutputStream out = socket.getOutputStream();
			while (!this.stopping.get()) {
				if (log.sent.size() - log.answers.size() >= MAX_UNANSWERED) {
					Thread.sleep(1);
					continue;
				}
				ByteArrayOutputStream batch = new ByteArrayOutputStream();
				int count = 1 + random.nextInt(20);
				for (int i = 0; i < count; i++) {
					String key = nextKey(log.name);
					// recorded before its bytes leave, so the reader can always match it
					log.sent.add(key);
					batch.writeBytes(setCommand(key));
				}
				out.write(batch.toByteArray());
				out.flush();
				if (random.nextInt(4) == 0) {
					Thread.sleep(1);
				}
			}
		}
		catch (IOException ex) {
			// the server closed the connection: the writer's part is over
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Reads answers in order until the stream ends; each must fit the request in its position. */
	private void readAnswers(Socket socket, ClientLog log) {
		try (socket) {
			InputStream in = new BufferedInputStream(socket.getInputStream());
			while (true) {
				String line;
				try {
					line = readLine(in);
				}
				catch (SocketTimeoutException ex) {
					if (log.answers.size() < log.sent.size()) {
						this.problems.add(log.name + ": no answer nor end of stream within the read timeout");
						return;
					}
					continue;
				}
				catch (SocketException ex) {
					// reset: the connection ended
					log.ended = true;
					return;
				}
				if (line == null) {
					log.ended = true;
					return;
				}
				checkAnswer(log, line);
			}
		}
		catch (IOException ex) {
			this.problems.add(log.name + ": " + ex);
		}
	}

	/** Opens short connections of a few pipelined {@code set}s each, until the server is gone. */
	private void churn(int port, String name) {
		int round = 0;
		while (true) {
			ClientLog log = new ClientLog(name + "-" + round++);
			Socket socket;
			try {
				socket = connect(port);
			}
			catch (IOException ex) {
				// refused: the listener is closed
				return;
			}
			this.logs.add(log);
			try (socket) {
				ByteArrayOutputStream batch = new ByteArrayOutputStream();
				for (int i = 0; i < 10; i++) {
					String key = nextKey(log.name);
					log.sent.add(key);
					batch.writeBytes(setCommand(key));
				}
				try {
					socket.getOutputStream().write(batch.toByteArray());
					socket.getOutputStream().flush();
				}
				catch (IOException ex) {
					// closed under us: read what came
				}
				InputStream in = new BufferedInputStream(socket.getInputStream());
				while (log.answers.size() < log.sent.size()) {
					String line;
					try {
						line = readLine(in);
					}
					catch (SocketTimeoutException ex) {
						this.problems.add(log.name + ": no answer nor end of stream within the read timeout");
						log.ended = true;
						return;
					}
					catch (SocketException ex) {
						line = null;
					}
					if (line == null) {
						break;
					}
					checkAnswer(log, line);
				}
				log.ended = true;
			}
			catch (IOException ex) {
				this.problems.add(log.name + ": " + ex);
				log.ended = true;
			}
			if (this.stopping.get()) {
				return;
			}
		}
	}

	private void checkAnswer(ClientLog log, String line) {
		int position = log.answers.size();
		if (position >= log.sent.size()) {
			this.problems.add(log.name + ": answer '" + line + "' with no request left to answer");
			log.answers.add(line);
			return;
		}
		String key = log.sent.get(position);
		String expected = RecordingHandler.refuses(key) ? "NOT_STORED" : "STORED";
		if (!line.equals(expected)) {
			this.problems.add(log.name + ": answer " + position + " to " + key + " is '" + line + "', expected "
					+ expected);
		}
		log.answers.add(line);
	}

	private String nextKey(String client) {
		return client + ":" + this.keyNumbers.incrementAndGet();
	}

	private static byte[] setCommand(String key) {
		String value = "v" + key;
		return ("set " + key + " 0 0 " + value.length() + "\r\n" + value + "\r\n").getBytes(StandardCharsets.US_ASCII);
	}

	private static Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
		socket.setSoTimeout(5000);
		socket.setTcpNoDelay(true);
		return socket;
	}

	/** One line without its "\r\n", or {@code null} at the end of the stream (a partial line counts as none). */
	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int previous = -1;
		while (true) {
			int b = in.read();
			if (b < 0) {
				return null;
			}
			if (previous == '\r' && b == '\n') {
				return line.substring(0, line.length() - 1);
			}
			line.append((char) b);
			previous = b;
		}
	}

	private static Thread start(String name, Runnable body) {
		Thread thread = new Thread(body, name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	private static Set<String> minus(Set<String> from, Set<String> remove) {
		Set<String> result = new HashSet<>(from);
		result.removeAll(remove);
		return result;
	}

	/** What one connection sent and was answered, in order. */
	private static final class ClientLog {

		final String name;

		final List<String> sent = new CopyOnWriteArrayList<>();

		final List<String> answers = new CopyOnWriteArrayList<>();

		volatile boolean ended;

		ClientLog(String name) {
			this.name = name;
		}

	}

	/**
	 * Records every applied {@code set}. A key's number picks what it does: every 11th is
	 * refused; of the others, a third are applied and answered at once, a third applied then
	 * answered after 1 to 10 ms, a third applied only after 1 to 10 ms.
	 */
	private static final class RecordingHandler implements MemcachedCommandHandler {

		final Map<String, Boolean> applied = new ConcurrentHashMap<>();

		static long number(String key) {
			return Long.parseLong(key.substring(key.lastIndexOf(':') + 1));
		}

		static boolean refuses(String key) {
			return number(key) % 11 == 0;
		}

		@Override
		public Mono<StoreResult> set(Session session, Key key, Entry entry) {
			String name = key.toString();
			if (refuses(name)) {
				return Mono.just(StoreResult.NOT_STORED);
			}
			Mono<StoreResult> apply = Mono.fromSupplier(() -> {
				if (this.applied.putIfAbsent(name, Boolean.TRUE) != null) {
					throw new IllegalStateException("applied twice: " + name);
				}
				return StoreResult.STORED;
			});
			Duration delay = Duration.ofMillis(1 + ThreadLocalRandom.current().nextInt(10));
			return switch ((int) (number(name) % 3)) {
				case 0 -> apply;
				case 1 -> apply.flatMap((result) -> Mono.delay(delay).thenReturn(result));
				default -> Mono.delay(delay).then(apply);
			};
		}

		@Override
		public Mono<Item> get(Session session, Key key) {
			return Mono.empty();
		}

		@Override
		public Mono<Boolean> delete(Session session, Key key) {
			return Mono.just(false);
		}

	}

}
