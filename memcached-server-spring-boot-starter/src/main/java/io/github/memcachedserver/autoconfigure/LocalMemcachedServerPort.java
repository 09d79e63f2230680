package io.github.memcachedserver.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.beans.factory.annotation.Value;

/**
 * Injects the port the memcached server's first TCP listener was bound to, e.g. in a test
 * that listens on port 0 ({@code memcached.server.listen=127.0.0.1:0}), as Spring Boot's
 * {@code @LocalServerPort} does for the web server.
 *
 * @since 0.1.0
 */
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Value("${local.memcached.server.port}")
public @interface LocalMemcachedServerPort {

}
