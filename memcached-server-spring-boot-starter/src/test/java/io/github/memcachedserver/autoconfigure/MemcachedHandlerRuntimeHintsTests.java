package io.github.memcachedserver.autoconfigure;

import io.github.memcachedserver.handler.MemcachedCommandHandler;
import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a native image needs to route keys: the {@code @MemcachedHandler} annotation of every
 * handler bean, on a class or on a {@code @Bean} method, readable at run time. Spring's AOT
 * processing registers the types that carry it, which is why the starter registers no hints of
 * its own; this test keeps that true.
 */
class MemcachedHandlerRuntimeHintsTests {

	@Test
	void theTypesCarryingMemcachedHandlerAreRegisteredForReflection() {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.register(HandlerConfiguration.class, ComponentHandler.class);
		DefaultGenerationContext generation = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get(HandlerConfiguration.class)), new InMemoryGeneratedFiles());
		new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
		RuntimeHints hints = generation.getRuntimeHints();
		// Spring Framework 7 (spring-framework#33847): a type's reflection hint makes its methods and
		// annotations readable in a native image, which MemcachedHandlerRegistry's findAnnotationOnBean needs
		assertThat(RuntimeHintsPredicates.reflection().onType(HandlerConfiguration.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(ComponentHandler.class)).accepts(hints);
	}

	@Configuration(proxyBeanMethods = false)
	static class HandlerConfiguration {

		@Bean
		@MemcachedHandler(prefix = "product:")
		MemcachedCommandHandler products() {
			return new MemcachedServerAutoConfigurationTests.StubHandler();
		}

	}

	@MemcachedHandler(prefix = "user:")
	static class ComponentHandler extends MemcachedServerAutoConfigurationTests.StubHandler {

	}

}
