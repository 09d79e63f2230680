package io.github.memcachedserver.server;

import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Gathers the answers a connection has at once (the built-in store's) into one buffer until
 * the commands of a read have all run, so a pipelined burst leaves as one outbound message
 * instead of one per answer: each message costs a trip through the channel pipeline and the
 * outbound buffer (and, from the reactive pipeline, reactor-netty's send queue), more than
 * writing the answer itself. The event loop takes the batch at the end of a read
 * ({@link EventLoopCommandRunner}), or the reactive pipeline does when the read went there.
 * <p>
 * Answers keep their order: whatever answer does not join the batch (a late one, a large one)
 * goes out after the batch gathered before it. Commands of one connection run one at a time,
 * but not always on the same thread, and the connection may close from another: every method
 * holds the lock.
 */
final class ReplyBatch {

	/** Larger answers are sent as they are rather than copied into the batch. */
	static final int MAX_COPIED_ANSWER = 2048;

	/** A batch this large goes out at once, so the outbound cap still sees the answers. */
	static final int MAX_BATCH_BYTES = 32 * 1024;

	/** Room for a burst of small answers, so that the batch is rarely grown. */
	private static final int INITIAL_BATCH_BYTES = 4096;

	private @Nullable ByteBuf batch;

	/** Whether the batch is a buffer of its own, rather than the first answer as it came. */
	private boolean copied;

	private boolean released;

	/**
	 * Adds an answer that is already there.
	 * @param answer the answer (this batch takes it over)
	 * @param allocator the allocator for the batch
	 * @return what has to go out now: nothing while the batch gathers
	 */
	synchronized Publisher<ByteBuf> add(ByteBuf answer, ByteBufAllocator allocator) {
		if (this.released) {
			answer.release();
			return Mono.empty();
		}
		if (answer.readableBytes() > MAX_COPIED_ANSWER) {
			ByteBuf gathered = take();
			return (gathered != null) ? ReadyAnswers.of(gathered, answer) : ReadyAnswers.of(answer);
		}
		if (this.batch == null) {
			// a lone answer (one request per read) goes out as it is, without a copy
			this.batch = answer;
			return Mono.empty();
		}
		ownBatch(answer.readableBytes(), allocator).writeBytes(answer);
		answer.release();
		return (this.batch.readableBytes() >= MAX_BATCH_BYTES) ? ReadyAnswers.of(take()) : Mono.empty();
	}

	/**
	 * Adds an answer that is already there, or, when it is the connection's last, hands it on
	 * at once in one buffer with the batch: the connection closes once that buffer is written.
	 * @param answer the answer (this batch takes it over)
	 * @param last whether the connection closes after it
	 * @param allocator the allocator for the batch
	 * @return what has to go out now: nothing while the batch gathers
	 */
	Publisher<ByteBuf> addNow(ByteBuf answer, boolean last, ByteBufAllocator allocator) {
		return last ? finish(answer, allocator) : add(answer, allocator);
	}

	/**
	 * Writes an answer straight into the batch, saving the answer a buffer of its own.
	 * @param size about how many bytes the answer takes
	 * @param allocator the allocator for the batch
	 * @param writer writes the answer at the end of the buffer it is given
	 * @return what has to go out now (nothing while the batch gathers), or {@code null} when an
	 * answer this large does not join the batch
	 */
	synchronized @Nullable Publisher<ByteBuf> write(int size, ByteBufAllocator allocator, Consumer<ByteBuf> writer) {
		if (size > MAX_COPIED_ANSWER) {
			return null;
		}
		if (this.released) {
			return Mono.empty();
		}
		writer.accept(ownBatch(size, allocator));
		return (this.batch.readableBytes() >= MAX_BATCH_BYTES) ? ReadyAnswers.of(take()) : Mono.empty();
	}

	/**
	 * Puts the batch gathered so far in front of an answer that does not join it.
	 * @param answer the answer
	 * @return the batch, then the answer
	 */
	synchronized Publisher<ByteBuf> before(Publisher<ByteBuf> answer) {
		ByteBuf gathered = take();
		return (gathered != null) ? Flux.concat(ReadyAnswers.of(gathered), answer) : answer;
	}

	/**
	 * Hands on the batch with a last answer at its end, as one buffer: the connection closes
	 * once that buffer is written.
	 * @param answer the last answer (this batch takes it over)
	 * @return the batch and the answer
	 */
	synchronized Publisher<ByteBuf> finish(ByteBuf answer, ByteBufAllocator allocator) {
		if (this.batch == null || this.released) {
			return ReadyAnswers.of(answer);
		}
		ByteBuf gathered = take();
		ByteBuf last = allocator.buffer(gathered.readableBytes() + answer.readableBytes());
		last.writeBytes(gathered).writeBytes(answer);
		gathered.release();
		answer.release();
		return ReadyAnswers.of(last);
	}

	/**
	 * Hands on the batch gathered so far, at the end of a read.
	 * @return the batch, or nothing when it is empty
	 */
	synchronized Publisher<ByteBuf> flush() {
		ByteBuf gathered = take();
		return (gathered != null) ? ReadyAnswers.of(gathered) : Mono.empty();
	}

	/**
	 * Takes the batch gathered so far, for writing it directly at the end of a read.
	 * @return the batch, or {@code null} when it is empty
	 */
	synchronized @Nullable ByteBuf takeGathered() {
		return take();
	}

	/** Drops the batch of a connection that has closed. */
	synchronized void release() {
		this.released = true;
		ByteBuf gathered = take();
		if (gathered != null) {
			gathered.release();
		}
	}

	/** Returns the batch as a buffer of its own with room for more, moving a lone first answer into it. */
	private ByteBuf ownBatch(int more, ByteBufAllocator allocator) {
		ByteBuf first = this.batch;
		if (first == null || !this.copied) {
			int gathered = (first != null) ? first.readableBytes() : 0;
			this.batch = allocator.buffer(Math.max(INITIAL_BATCH_BYTES, gathered + more));
			if (first != null) {
				this.batch.writeBytes(first);
				first.release();
			}
			this.copied = true;
		}
		return this.batch;
	}

	private @Nullable ByteBuf take() {
		ByteBuf gathered = this.batch;
		this.batch = null;
		this.copied = false;
		return gathered;
	}

}
