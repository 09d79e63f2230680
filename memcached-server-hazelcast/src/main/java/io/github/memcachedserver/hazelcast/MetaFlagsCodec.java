package io.github.memcachedserver.hazelcast;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.github.memcachedserver.command.MetaFlags;
import org.jspecify.annotations.Nullable;

/**
 * Writes a meta command's parsed flags into a processor's serialized form and reads them back
 * on the key's owner.
 */
final class MetaFlagsCodec {

	private MetaFlagsCodec() {
	}

	static void write(ObjectDataOutput out, MetaFlags flags) throws IOException {
		out.writeInt(flags.tokens().size());
		for (byte[] token : flags.tokens()) {
			out.writeByteArray(token);
		}
		out.writeBoolean(flags.base64Key());
		out.writeBoolean(flags.quiet());
		out.writeBoolean(flags.returnValue());
		out.writeBoolean(flags.noBump());
		out.writeBoolean(flags.invalidate());
		out.writeBoolean(flags.removeValue());
		writeNullable(out, flags.compareCas());
		writeNullable(out, flags.newCas());
		writeNullable(out, flags.vivifyTtl());
		writeNullable(out, flags.recacheThreshold());
		writeNullable(out, flags.ttl());
		out.writeLong(flags.clientFlags());
		out.writeChar(flags.mode());
		out.writeLong(flags.initial());
		out.writeLong(flags.delta());
	}

	static MetaFlags read(ObjectDataInput in) throws IOException {
		int count = in.readInt();
		List<byte[]> tokens = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			tokens.add(in.readByteArray());
		}
		return new MetaFlags(tokens, in.readBoolean(), in.readBoolean(), in.readBoolean(), in.readBoolean(),
				in.readBoolean(), in.readBoolean(), readNullable(in), readNullable(in), readNullable(in),
				readNullable(in), readNullable(in), in.readLong(), in.readChar(), in.readLong(), in.readLong());
	}

	private static void writeNullable(ObjectDataOutput out, @Nullable Long value) throws IOException {
		out.writeBoolean(value != null);
		if (value != null) {
			out.writeLong(value);
		}
	}

	private static @Nullable Long readNullable(ObjectDataInput in) throws IOException {
		return in.readBoolean() ? in.readLong() : null;
	}

}
