package io.github.memcachedserver.internal.protocol;

import io.github.memcachedserver.command.MemcachedCommand;
import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * A storage command whose value arrived in the store's own memory
 * ({@link io.github.memcachedserver.internal.ReceivingStore#reserve}) rather than on the heap:
 * the command as decoded, with an empty value, and the buffer that holds the value. Whoever
 * drops the command unrun, or has run it, releases it, which releases the buffer.
 */
public final class ReceivedValueCommand extends AbstractReferenceCounted implements MemcachedCommand {

	private final MemcachedCommand command;

	private final ByteBuf value;

	/**
	 * @param command the decoded command; its own value is empty
	 * @param value the value (one reference, taken over)
	 */
	public ReceivedValueCommand(MemcachedCommand command, ByteBuf value) {
		this.command = command;
		this.value = value;
	}

	/**
	 * Returns the command as decoded, with an empty value.
	 * @return the command
	 */
	public MemcachedCommand command() {
		return this.command;
	}

	/**
	 * Returns the value, valid until this command is released.
	 * @return the value
	 */
	public ByteBuf value() {
		return this.value;
	}

	@Override
	public String name() {
		return this.command.name();
	}

	@Override
	public boolean noreply() {
		return this.command.noreply();
	}

	@Override
	public ReferenceCounted touch(Object hint) {
		this.value.touch(hint);
		return this;
	}

	@Override
	protected void deallocate() {
		this.value.release();
	}

}
