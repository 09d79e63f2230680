package io.github.memcachedserver.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

class ReplyBatchTests {

	private final ByteBufAllocator allocator = UnpooledByteBufAllocator.DEFAULT;

	private final ReplyBatch batch = new ReplyBatch();

	@Test
	void answersGatheredDuringAReadLeaveAsOneBuffer() {
		assertThat(drain(this.batch.add(answer("HD\r\n"), this.allocator))).isEmpty();
		assertThat(drain(this.batch.add(answer("EN\r\n"), this.allocator))).isEmpty();
		assertThat(drain(this.batch.flush())).containsExactly("HD\r\nEN\r\n");
		assertThat(drain(this.batch.flush())).isEmpty();
	}

	@Test
	void theEventLoopTakesTheGatheredAnswersAsOneBuffer() {
		this.batch.add(answer("HD\r\n"), this.allocator);
		this.batch.write(8, this.allocator, (out) -> out.writeBytes(ascii("EN\r\n")));
		ByteBuf gathered = this.batch.takeGathered();
		assertThat(gathered.toString(StandardCharsets.US_ASCII)).isEqualTo("HD\r\nEN\r\n");
		gathered.release();
		assertThat(this.batch.takeGathered()).isNull();
	}

	@Test
	void aLateAnswerLeavesBehindTheAnswersBeforeIt() {
		this.batch.add(answer("HD\r\n"), this.allocator);
		Publisher<ByteBuf> late = this.batch.before(Mono.fromSupplier(() -> answer("VA 1\r\nx\r\n")));
		assertThat(drain(late)).containsExactly("HD\r\n", "VA 1\r\nx\r\n");
	}

	@Test
	void aLargeAnswerIsNotCopiedIntoTheBatch() {
		String large = "x".repeat(ReplyBatch.MAX_COPIED_ANSWER + 1);
		this.batch.add(answer("HD\r\n"), this.allocator);
		assertThat(drain(this.batch.add(answer(large), this.allocator))).containsExactly("HD\r\n", large);
	}

	@Test
	void aFullBatchLeavesAtOnce() {
		String answer = "y".repeat(1000);
		List<String> sentEarly = new ArrayList<>();
		int added = 0;
		while (sentEarly.isEmpty()) {
			sentEarly.addAll(drain(this.batch.add(answer(answer), this.allocator)));
			added++;
		}
		assertThat(sentEarly).containsExactly(answer.repeat(added));
		assertThat(added * answer.length()).isGreaterThanOrEqualTo(ReplyBatch.MAX_BATCH_BYTES);
	}

	@Test
	void answersWrittenIntoTheBatchKeepTheirPlaceAmongAddedOnes() {
		this.batch.add(answer("HD\r\n"), this.allocator);
		assertThat(drain(this.batch.write(8, this.allocator, (out) -> out.writeBytes(ascii("EN\r\n"))))).isEmpty();
		this.batch.add(answer("NF\r\n"), this.allocator);
		assertThat(drain(this.batch.flush())).containsExactly("HD\r\nEN\r\nNF\r\n");
	}

	@Test
	void anAnswerTooLargeToCopyIsNotWrittenIntoTheBatch() {
		assertThat(this.batch.write(ReplyBatch.MAX_COPIED_ANSWER + 1, this.allocator, (out) -> out.writeByte('x')))
			.isNull();
		assertThat(drain(this.batch.flush())).isEmpty();
	}

	@Test
	void aClosedConnectionsBatchTakesNoWrittenAnswer() {
		this.batch.release();
		assertThat(drain(this.batch.write(8, this.allocator, (out) -> out.writeBytes(ascii("EN\r\n"))))).isEmpty();
		assertThat(drain(this.batch.flush())).isEmpty();
	}

	@Test
	void aClosingAnswerLeavesInOneBufferWithTheBatch() {
		this.batch.add(answer("HD\r\n"), this.allocator);
		assertThat(drain(this.batch.finish(answer("SERVER_ERROR bye\r\n"), this.allocator)))
			.containsExactly("HD\r\nSERVER_ERROR bye\r\n");
	}

	@Test
	void aClosedConnectionsBatchIsReleased() {
		ByteBuf first = answer("HD\r\n");
		this.batch.add(first, this.allocator);
		this.batch.release();
		assertThat(first.refCnt()).isZero();
		ByteBuf afterClose = answer("EN\r\n");
		assertThat(drain(this.batch.add(afterClose, this.allocator))).isEmpty();
		assertThat(afterClose.refCnt()).isZero();
	}

	private ByteBuf answer(String text) {
		return this.allocator.buffer().writeBytes(ascii(text));
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	private List<String> drain(Publisher<ByteBuf> publisher) {
		List<String> texts = new ArrayList<>();
		for (ByteBuf buffer : Flux.from(publisher).collectList().block()) {
			texts.add(buffer.toString(StandardCharsets.US_ASCII));
			assertThat(buffer.release()).isTrue();
		}
		return texts;
	}

}
