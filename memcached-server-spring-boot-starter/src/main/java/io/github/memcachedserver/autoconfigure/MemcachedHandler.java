package io.github.memcachedserver.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;
import org.springframework.stereotype.Component;

/**
 * Marks a bean that serves memcached commands: a
 * {@link io.github.memcachedserver.handler.MemcachedCommandHandler} or a minimal
 * {@link io.github.memcachedserver.handler.KeyValueHandler} or
 * {@link io.github.memcachedserver.handler.BlockingMemcachedHandler}. On a class it also makes the
 * class a component; on a {@code @Bean} method it marks the bean the method returns.
 * <p>
 * Without a {@link #prefix()}, the handler serves every key that no other handler claims;
 * with one, only the keys starting with it. Keys no handler claims go to the built-in store.
 *
 * @since 0.1.0
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface MemcachedHandler {

	/**
	 * Alias for {@link #prefix()}.
	 * @return the key prefix
	 */
	@AliasFor("prefix")
	String value() default "";

	/**
	 * The key prefix this handler serves, e.g. {@code "product:"}; empty for every key no
	 * other handler claims.
	 * @return the key prefix
	 */
	@AliasFor("value")
	String prefix() default "";

	/**
	 * Whether the handler may block (JDBC, JPA, a blocking client, a driver that runs queries
	 * on the subscribing thread): its calls then run off the server's event loops, on virtual
	 * threads when {@code spring.threads.virtual.enabled} is set (Java 21+), else on a bounded
	 * pool ({@code memcached.server.blocking.*}). A
	 * {@link io.github.memcachedserver.handler.BlockingMemcachedHandler} always runs so.
	 * @return whether the handler blocks
	 */
	boolean blocking() default false;

}
