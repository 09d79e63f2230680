package io.github.memcachedserver.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application serving memcached on 127.0.0.1:11211: the keys
 * {@code product:<id>} are rows of a database table
 * ({@link io.github.memcachedserver.sample.product.ProductMemcachedHandler}), every other key
 * lives in the built-in store. Actuator health and metrics are served over HTTP on
 * 127.0.0.1:8081.
 *
 * @since 0.1.0
 */
@SpringBootApplication
public class SampleMemcachedApplication {

	/**
	 * Runs the application.
	 * @param args command-line arguments, e.g. {@code --memcached.server.listen=127.0.0.1:11311}
	 */
	public static void main(String[] args) {
		SpringApplication.run(SampleMemcachedApplication.class, args);
	}

}
