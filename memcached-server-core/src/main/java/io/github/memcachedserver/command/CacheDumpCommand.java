package io.github.memcachedserver.command;

/**
 * {@code stats cachedump <class> <limit>}: the keys of one slab class, which clients use to
 * list what a server holds (PHP's {@code Memcached::getAllKeys}).
 *
 * @param slabClass the slab class, below 64
 * @param limit how many items to list at most, 0 for all
 * @since 0.1.0
 */
public record CacheDumpCommand(int slabClass, long limit) implements MemcachedCommand {

	@Override
	public String name() {
		return "stats";
	}

}
