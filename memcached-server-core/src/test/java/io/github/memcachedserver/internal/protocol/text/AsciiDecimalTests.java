package io.github.memcachedserver.internal.protocol.text;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class AsciiDecimalTests {

	@ParameterizedTest
	@ValueSource(longs = { 0, 1, 9, 10, 99, 100, 4294967295L, 999999999999999999L, 1000000000000000000L,
			Long.MAX_VALUE, -1, -10, Long.MIN_VALUE })
	void writesSignedNumbersAsLongToStringDoes(long value) {
		ByteBuf out = Unpooled.buffer(1);
		out.writeByte('x');
		AsciiDecimal.write(out, value);
		assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("x" + value);
	}

	@ParameterizedTest
	@ValueSource(longs = { 0, 7, 10, Long.MAX_VALUE, Long.MIN_VALUE, -1, -10 })
	void writesUnsignedNumbersAsLongToUnsignedStringDoes(long value) {
		ByteBuf out = Unpooled.buffer(1);
		AsciiDecimal.writeUnsigned(out, value);
		assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo(Long.toUnsignedString(value));
	}

}
