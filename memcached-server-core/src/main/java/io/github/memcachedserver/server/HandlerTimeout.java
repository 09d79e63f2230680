package io.github.memcachedserver.server;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
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

	/**
	 * Turns a handler's answer into bytes: at once when the answer is already there, as
	 * the built-in store's is (the result is then a scalar {@code Mono} or empty), otherwise
	 * once it arrives, within the limit.
	 * @param onValue the bytes for a value (may return {@code null} for no answer)
	 * @param onEmpty the bytes for no value
	 */
	@SuppressWarnings("unchecked")
	<T> Mono<ByteBuf> answer(Mono<T> handlerAnswer, Function<T, @Nullable ByteBuf> onValue,
			Supplier<@Nullable ByteBuf> onEmpty) {
		if (handlerAnswer instanceof Callable<?> ready) {
			T value;
			try {
				value = (T) ready.call();
			}
			catch (Exception ex) {
				return Mono.error(ex);
			}
			ByteBuf bytes = (value != null) ? onValue.apply(value) : onEmpty.get();
			return Mono.justOrEmpty(bytes);
		}
		return guard(handlerAnswer).mapNotNull(onValue).switchIfEmpty(Mono.fromSupplier(onEmpty));
	}

}
