package io.github.memcachedserver.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.observation.DefaultMemcachedObservationConvention;
import io.github.memcachedserver.observation.MemcachedObservationContext;
import io.github.memcachedserver.observation.MemcachedObservationDocumentation;
import io.github.memcachedserver.observation.MemcachedProtocol;
import io.github.memcachedserver.server.MemcachedServer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What observing every command costs: a server with the built-in store answers, over
 * loopback, 16 pipelined single-key {@code get}s and one 10-key {@code get} (17 commands, 17
 * observations) with no observation registry ({@code none}, the default) or with one that
 * records the commands' timer ({@code metrics}, what Spring Boot's actuator sets up). Score:
 * time for the 17 answers, each checked byte for byte; {@code oneObservation} times one
 * command's observation alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CommandObservationBenchmark {

	@Param({ "none", "metrics" })
	public String observations;

	private ObservationRegistry registry;

	private Session session;

	private MemcachedServer server;

	private Socket socket;

	private OutputStream out;

	private InputStream in;

	private byte[] request;

	private byte[] answer;

	@Setup(Level.Trial)
	public void start() throws IOException {
		ObservationRegistry registry = ObservationRegistry.NOOP;
		if (this.observations.equals("metrics")) {
			registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(new SimpleMeterRegistry()));
		}
		this.registry = registry;
		this.server = MemcachedServer.builder().listen("127.0.0.1:0").threads(1).observationRegistry(registry).build().start();
		this.socket = new Socket("127.0.0.1", this.server.port());
		this.socket.setTcpNoDelay(true);
		this.session = new Session(1, this.socket.getRemoteSocketAddress(), this.socket.getLocalSocketAddress());
		this.out = this.socket.getOutputStream();
		this.in = this.socket.getInputStream();
		StringBuilder request = new StringBuilder();
		StringBuilder multiGet = new StringBuilder("get");
		StringBuilder answer = new StringBuilder();
		StringBuilder multiAnswer = new StringBuilder();
		for (int i = 0; i < 16; i++) {
			String key = "bench:key:" + i;
			this.out.write(("set " + key + " 0 0 5\r\nvalue\r\n").getBytes(StandardCharsets.US_ASCII));
			readFully(("STORED\r\n").length());
			request.append("get ").append(key).append("\r\n");
			answer.append("VALUE ").append(key).append(" 0 5\r\nvalue\r\nEND\r\n");
			if (i < 10) {
				multiGet.append(' ').append(key);
				multiAnswer.append("VALUE ").append(key).append(" 0 5\r\nvalue\r\n");
			}
		}
		this.request = request.append(multiGet).append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
		this.answer = answer.append(multiAnswer).append("END\r\n").toString().getBytes(StandardCharsets.US_ASCII);
	}

	@TearDown(Level.Trial)
	public void stop() throws IOException {
		this.socket.close();
		this.server.stop(Duration.ofSeconds(5));
	}

	@Benchmark
	public int seventeenCommands() throws IOException {
		this.out.write(this.request);
		byte[] received = readFully(this.answer.length);
		if (!Arrays.equals(received, this.answer)) {
			throw new IllegalStateException("Unexpected answer: " + new String(received, StandardCharsets.US_ASCII));
		}
		return received.length;
	}

	/** One command's observation alone, as the server makes it: started, given its outcome, stopped. */
	@Benchmark
	@OutputTimeUnit(TimeUnit.NANOSECONDS)
	public Observation oneObservation() {
		Observation observation = MemcachedObservationDocumentation.COMMAND.start(null,
				DefaultMemcachedObservationConvention.INSTANCE,
				() -> new MemcachedObservationContext(MemcachedProtocol.TEXT, "get", this.session), this.registry);
		if (!observation.isNoop()) {
			((MemcachedObservationContext) observation.getContext()).setOutcome("hit");
		}
		observation.stop();
		return observation;
	}

	private byte[] readFully(int length) throws IOException {
		byte[] buffer = new byte[length];
		if (this.in.readNBytes(buffer, 0, length) != length) {
			throw new IOException("The server closed the connection");
		}
		return buffer;
	}

}
