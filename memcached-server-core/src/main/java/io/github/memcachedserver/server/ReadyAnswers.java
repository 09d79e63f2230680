package io.github.memcachedserver.server;

import io.netty.buffer.ByteBuf;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

/**
 * Answers that are already there and have to go out now, in order: the event loop writes
 * them itself ({@link EventLoopCommandRunner}), the reactive pipeline subscribes to them.
 * <p>
 * Deliberately not a scalar ({@code Callable}) publisher: {@code concatMap} takes such a
 * value without subscribing and releases it a second time when the connection closes right
 * after it.
 */
final class ReadyAnswers extends Flux<ByteBuf> {

	private final ByteBuf[] answers;

	private ReadyAnswers(ByteBuf... answers) {
		this.answers = answers;
	}

	static ReadyAnswers of(ByteBuf answer) {
		return new ReadyAnswers(answer);
	}

	static ReadyAnswers of(ByteBuf first, ByteBuf second) {
		return new ReadyAnswers(first, second);
	}

	/**
	 * Returns the answers for writing them directly, instead of subscribing.
	 * @return the answers, in order
	 */
	ByteBuf[] answers() {
		return this.answers;
	}

	@Override
	public void subscribe(CoreSubscriber<? super ByteBuf> actual) {
		Flux.fromArray(this.answers).subscribe(actual);
	}

}
