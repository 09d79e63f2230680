package io.github.memcachedserver.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.memcachedserver.handler.BlockingMemcachedHandler;
import io.github.memcachedserver.handler.KeyValueHandler;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.MemcachedHandlers;
import io.github.memcachedserver.routing.PrefixRoutingHandler;
import reactor.core.scheduler.Scheduler;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Finds the {@link MemcachedHandler @MemcachedHandler} beans and combines them into the one
 * handler the server runs: prefixed handlers get their keys, a handler without a prefix (or
 * else the built-in store) gets the rest. Two handlers claiming the same keys are a
 * configuration error that names both beans.
 *
 * @since 0.1.0
 */
public final class MemcachedHandlerRegistry {

	private final Map<String, MemcachedCommandHandler> routes;

	private final Map<String, String> routeBeans;

	private final String fallbackBean;

	private final MemcachedCommandHandler fallback;

	private MemcachedHandlerRegistry(Map<String, MemcachedCommandHandler> routes, Map<String, String> routeBeans,
			String fallbackBean, MemcachedCommandHandler fallback) {
		this.routes = routes;
		this.routeBeans = routeBeans;
		this.fallbackBean = fallbackBean;
		this.fallback = fallback;
	}

	/**
	 * Collects the handlers of a bean factory.
	 * @param beanFactory the bean factory
	 * @param store the handler for keys no handler claims, when no catch-all handler exists
	 * @param storeBeanName the store's bean name, for messages
	 * @param blockingScheduler where the calls of handlers that block run
	 * @return the registry
	 */
	public static MemcachedHandlerRegistry from(ListableBeanFactory beanFactory, MemcachedCommandHandler store,
			String storeBeanName, Scheduler blockingScheduler) {
		Map<String, MemcachedCommandHandler> routes = new LinkedHashMap<>();
		Map<String, String> routeBeans = new LinkedHashMap<>();
		String fallbackBean = null;
		MemcachedCommandHandler fallback = null;
		for (String beanName : beanFactory.getBeanNamesForAnnotation(MemcachedHandler.class)) {
			MemcachedHandler annotation = beanFactory.findAnnotationOnBean(beanName, MemcachedHandler.class);
			MemcachedCommandHandler handler = adapt(beanName, beanFactory.getBean(beanName),
					annotation != null && annotation.blocking(), blockingScheduler);
			String prefix = (annotation != null) ? annotation.prefix() : "";
			if (prefix.isEmpty()) {
				if (fallbackBean != null) {
					throw conflict(beanName, fallbackBean, "every key (no prefix)");
				}
				fallbackBean = beanName;
				fallback = handler;
			}
			else {
				String existing = routeBeans.putIfAbsent(prefix, beanName);
				if (existing != null) {
					throw conflict(beanName, existing, "the key prefix '" + prefix + "'");
				}
				routes.put(prefix, handler);
			}
		}
		if (fallback == null) {
			fallbackBean = storeBeanName;
			fallback = store;
		}
		return new MemcachedHandlerRegistry(routes, routeBeans, fallbackBean, fallback);
	}

	private static MemcachedCommandHandler adapt(String beanName, Object bean, boolean blocking, Scheduler scheduler) {
		if (bean instanceof BlockingMemcachedHandler handler) {
			return MemcachedHandlers.offEventLoop(handler, scheduler);
		}
		MemcachedCommandHandler handler;
		if (bean instanceof MemcachedCommandHandler commandHandler) {
			handler = commandHandler;
		}
		else if (bean instanceof KeyValueHandler keyValueHandler) {
			handler = KeyValueHandler.adapt(keyValueHandler);
		}
		else {
			throw new BeanCreationException(beanName, "@MemcachedHandler bean '" + beanName + "' of type "
					+ bean.getClass().getName()
					+ " implements none of MemcachedCommandHandler, KeyValueHandler and BlockingMemcachedHandler");
		}
		return blocking ? MemcachedHandlers.offEventLoop(handler, scheduler) : handler;
	}

	private static BeanCreationException conflict(String beanName, String otherBeanName, String keys) {
		return new BeanCreationException(beanName, "@MemcachedHandler beans '" + otherBeanName + "' and '" + beanName
				+ "' both claim " + keys + "; give each a distinct prefix");
	}

	/**
	 * Returns the handler that serves every command.
	 * @return the single handler, or a router over all of them
	 */
	public MemcachedCommandHandler rootHandler() {
		return this.routes.isEmpty() ? this.fallback : PrefixRoutingHandler.of(this.routes, this.fallback);
	}

	/**
	 * Returns which bean serves each key prefix.
	 * @return bean names by prefix
	 */
	public Map<String, String> routeBeans() {
		return Map.copyOf(this.routeBeans);
	}

	/**
	 * Returns the bean serving keys that match no prefix.
	 * @return the bean name
	 */
	public String fallbackBean() {
		return this.fallbackBean;
	}

}
