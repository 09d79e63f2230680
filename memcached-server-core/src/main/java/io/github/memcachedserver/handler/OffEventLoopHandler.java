package io.github.memcachedserver.handler;

import java.util.Collection;
import java.util.Map;

import io.github.memcachedserver.command.MetaCommand;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.core.scheduler.Scheduler;

/**
 * Subscribes to every answer of a handler that may block on a scheduler of its own
 * ({@link MemcachedHandlers#offEventLoop}). Composite commands run whole on that scheduler,
 * their reads and writes included.
 */
final class OffEventLoopHandler implements MemcachedCommandHandler {

	private final MemcachedCommandHandler handler;

	private final Scheduler scheduler;

	OffEventLoopHandler(MemcachedCommandHandler handler, Scheduler scheduler) {
		this.handler = handler;
		this.scheduler = scheduler;
	}

	/**
	 * Subscribes on the scheduler, with the command's observation (when the server observes
	 * commands) open on that thread meanwhile: blocking code that reads the current observation
	 * from a thread local (JDBC instrumentation, a tracer's current span) finds it there.
	 */
	private <T> Mono<T> off(Mono<T> answer) {
		return Mono.deferContextual((context) -> {
			Object command = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
			return (command instanceof Observation observation) ? new InObservationScope<>(answer, observation)
					: answer;
		}).subscribeOn(this.scheduler);
	}

	@Override
	public Mono<Item> get(Session session, Key key) {
		return off(Mono.defer(() -> this.handler.get(session, key)));
	}

	@Override
	public Mono<Map<Key, Item>> getAll(Session session, Collection<Key> keys) {
		return off(Mono.defer(() -> this.handler.getAll(session, keys)));
	}

	@Override
	public Mono<StoreResult> set(Session session, Key key, Entry entry) {
		return off(Mono.defer(() -> this.handler.set(session, key, entry)));
	}

	@Override
	public Mono<Boolean> delete(Session session, Key key) {
		return off(Mono.defer(() -> this.handler.delete(session, key)));
	}

	@Override
	public Mono<Boolean> exists(Session session, Key key) {
		return off(Mono.defer(() -> this.handler.exists(session, key)));
	}

	@Override
	public Mono<StoreResult> add(Session session, Key key, Entry entry) {
		return off(Mono.defer(() -> this.handler.add(session, key, entry)));
	}

	@Override
	public Mono<StoreResult> replace(Session session, Key key, Entry entry) {
		return off(Mono.defer(() -> this.handler.replace(session, key, entry)));
	}

	@Override
	public Mono<StoreResult> append(Session session, Key key, byte[] data) {
		return off(Mono.defer(() -> this.handler.append(session, key, data)));
	}

	@Override
	public Mono<StoreResult> prepend(Session session, Key key, byte[] data) {
		return off(Mono.defer(() -> this.handler.prepend(session, key, data)));
	}

	@Override
	public Mono<StoreResult> cas(Session session, Key key, Entry entry, long cas) {
		return off(Mono.defer(() -> this.handler.cas(session, key, entry, cas)));
	}

	@Override
	public Mono<Long> increment(Session session, Key key, long delta) {
		return off(Mono.defer(() -> this.handler.increment(session, key, delta)));
	}

	@Override
	public Mono<Long> decrement(Session session, Key key, long delta) {
		return off(Mono.defer(() -> this.handler.decrement(session, key, delta)));
	}

	@Override
	public Mono<Boolean> touch(Session session, Key key, long exptime) {
		return off(Mono.defer(() -> this.handler.touch(session, key, exptime)));
	}

	@Override
	public Mono<Item> getAndTouch(Session session, Key key, long exptime) {
		return off(Mono.defer(() -> this.handler.getAndTouch(session, key, exptime)));
	}

	@Override
	public Mono<Void> flushAll(Session session, long delaySeconds) {
		return off(Mono.defer(() -> this.handler.flushAll(session, delaySeconds)));
	}

	@Override
	public Mono<MetaResult> meta(Session session, MetaCommand command) {
		return off(Mono.defer(() -> this.handler.meta(session, command)));
	}

	@Override
	public @Nullable StoreStatistics storeStatistics() {
		return this.handler.storeStatistics();
	}

	@Override
	public void connectionOpened(Session session) {
		this.handler.connectionOpened(session);
	}

	@Override
	public void connectionClosed(Session session) {
		this.handler.connectionClosed(session);
	}

	@Override
	public String toString() {
		return this.handler + " (off the event loop)";
	}

	/**
	 * Subscribes to an answer inside an observation's scope: a blocking call, made while it is
	 * subscribed to, runs in it, and the scope opens and closes on the one thread.
	 */
	private static final class InObservationScope<T> extends MonoOperator<T, T> {

		private final Observation observation;

		InObservationScope(Mono<T> answer, Observation observation) {
			super(answer);
			this.observation = observation;
		}

		@Override
		public void subscribe(CoreSubscriber<? super T> actual) {
			try (Observation.Scope scope = this.observation.openScope()) {
				this.source.subscribe(actual);
			}
		}

	}

}
