package io.github.memcachedserver.server;

import java.time.Duration;
import java.util.concurrent.Callable;

import reactor.core.publisher.Mono;

/**
 * The limit on how long a handler may take to answer one command, applied the same way by
 * every protocol's dispatcher.
 */
final class HandlerTimeout {

	private final Duration duration;

	HandlerTimeout(Duration duration) {
		this.duration = duration;
	}

	Duration duration() {
		return this.duration;
	}

	/**
	 * Applies the limit to a handler's answer, unless there is none or the answer is already
	 * there (the built-in store answers with {@code Mono.just}): a timer per command would cost
	 * more than the command.
	 */
	<T> Mono<T> guard(Mono<T> answer) {
		if (this.duration.isZero() || answer instanceof Callable) {
			return answer;
		}
		return answer.timeout(this.duration);
	}

}
