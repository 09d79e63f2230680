package io.github.memcachedserver.hazelcast;

import java.io.IOException;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.github.memcachedserver.handler.MetaResult;

/**
 * A {@link MetaResult} on its way back from the key's owner. Access times and "fetched before"
 * are not kept by this store, so they travel as 0 and {@code false}.
 */
final class MetaOutcome implements DataSerializable {

	private MetaResult result = MetaResult.of(MetaResult.Status.MISS);

	/** For Hazelcast's deserialization. */
	MetaOutcome() {
	}

	MetaOutcome(MetaResult result) {
		this.result = result;
	}

	MetaResult result() {
		return this.result;
	}

	@Override
	public void writeData(ObjectDataOutput out) throws IOException {
		MetaResult r = this.result;
		out.writeByte(r.status().ordinal());
		out.writeByteArray(r.value());
		out.writeInt(r.clientFlags());
		out.writeLong(r.cas());
		out.writeLong(r.ttl());
		out.writeBoolean(r.won());
		out.writeBoolean(r.stale());
		out.writeBoolean(r.tokenSent());
		out.writeLong(r.size());
		out.writeBoolean(r.binaryKey());
	}

	@Override
	public void readData(ObjectDataInput in) throws IOException {
		MetaResult.Status status = MetaResult.Status.values()[in.readByte()];
		this.result = new MetaResult(status, in.readByteArray(), in.readInt(), in.readLong(), in.readLong(), 0, false,
				in.readBoolean(), in.readBoolean(), in.readBoolean(), in.readLong(), in.readBoolean());
	}

}
