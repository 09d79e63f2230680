package io.github.memcachedserver.server;

import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.observation.DefaultMemcachedObservationConvention;
import io.github.memcachedserver.observation.MemcachedObservationContext;
import io.github.memcachedserver.observation.MemcachedObservationConvention;
import io.github.memcachedserver.observation.MemcachedObservationDocumentation;
import io.github.memcachedserver.observation.MemcachedProtocol;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Starts and stops the one observation each command gets, shared by the text and binary
 * dispatchers. With a no-op registry (the default) nothing is created or timed: a command
 * gets {@link Observation#NOOP}.
 */
final class CommandObservations {

	private final ObservationRegistry registry;

	private final @Nullable MemcachedObservationConvention convention;

	CommandObservations(ObservationRegistry registry, @Nullable MemcachedObservationConvention convention) {
		this.registry = registry;
		this.convention = convention;
	}

	/** Starts observing a command, or returns {@link Observation#NOOP} when nobody observes. */
	Observation start(MemcachedProtocol protocol, String command, Session session) {
		if (this.registry.isNoop()) {
			return Observation.NOOP;
		}
		return MemcachedObservationDocumentation.COMMAND.start(this.convention,
				DefaultMemcachedObservationConvention.INSTANCE,
				() -> new MemcachedObservationContext(protocol, command, session), this.registry);
	}

	/** Observes a command that ends as soon as it starts (a refusal). */
	void record(MemcachedProtocol protocol, String command, Session session, String outcome) {
		stop(start(protocol, command, session), outcome, null);
	}

	static void stop(Observation observation, String outcome, @Nullable Throwable error) {
		if (observation.isNoop()) {
			return;
		}
		((MemcachedObservationContext) observation.getContext()).setOutcome(outcome);
		if (error != null) {
			observation.error(error);
		}
		observation.stop();
	}

	/**
	 * Puts the command's observation in the Reactor context of its answer, where the
	 * handler's own instrumentation (R2DBC, WebClient, {@code tap(Micrometer.observation(..))})
	 * finds it as the parent of its observations.
	 */
	static <T> Mono<T> parentOf(Mono<T> answer, Observation observation) {
		return observation.isNoop() ? answer
				: answer.contextWrite((context) -> context.put(ObservationThreadLocalAccessor.KEY, observation));
	}

	static <T> Flux<T> parentOf(Flux<T> answer, Observation observation) {
		return observation.isNoop() ? answer
				: answer.contextWrite((context) -> context.put(ObservationThreadLocalAccessor.KEY, observation));
	}

}
