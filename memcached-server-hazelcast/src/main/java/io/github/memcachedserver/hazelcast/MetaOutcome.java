package io.github.memcachedserver.hazelcast;

import java.io.IOException;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.github.memcachedserver.handler.ClientErrorException;
import io.github.memcachedserver.handler.MetaResult;
import org.jspecify.annotations.Nullable;

/**
 * What a meta command (or an {@code incr}/{@code decr}) did, on its way back from the key's
 * owner: a {@link MetaResult}, or the {@code CLIENT_ERROR} the command earned. A client error
 * travels as an answer, not as an exception, which Hazelcast would log as an error on the
 * owner: clients must not be able to fill the server's log. Access times and "fetched before"
 * are not kept by this store, so they travel as 0 and {@code false}.
 */
final class MetaOutcome implements DataSerializable {

	private MetaResult result = MetaResult.of(MetaResult.Status.MISS);

	private @Nullable String clientError;

	/** For Hazelcast's deserialization. */
	MetaOutcome() {
	}

	MetaOutcome(MetaResult result) {
		this.result = result;
	}

	static MetaOutcome clientError(ClientErrorException error) {
		MetaOutcome outcome = new MetaOutcome();
		outcome.clientError = error.getMessage();
		return outcome;
	}

	/**
	 * Returns the result, or fails with the client error.
	 * @return the result
	 * @throws ClientErrorException for a command the client got wrong
	 */
	MetaResult result() {
		if (this.clientError != null) {
			throw new ClientErrorException(this.clientError);
		}
		return this.result;
	}

	@Override
	public void writeData(ObjectDataOutput out) throws IOException {
		out.writeString(this.clientError);
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
		this.clientError = in.readString();
		MetaResult.Status status = MetaResult.Status.values()[in.readByte()];
		this.result = new MetaResult(status, in.readByteArray(), in.readInt(), in.readLong(), in.readLong(), 0, false,
				in.readBoolean(), in.readBoolean(), in.readBoolean(), in.readLong(), in.readBoolean());
	}

}
