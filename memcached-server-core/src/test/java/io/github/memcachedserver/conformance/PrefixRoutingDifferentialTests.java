package io.github.memcachedserver.conformance;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

import io.github.memcachedserver.routing.PrefixRoutingHandler;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;

/**
 * The differential suite ({@link TextProtocolDifferentialTests}, the same scripts compared with
 * the real memcached) against our server with its keys routed by prefix, as the sample routes
 * them: keys starting with {@code a} to one built-in store, every other key to another. The
 * cases' keys are mostly {@code a}, {@code b}, {@code k} and {@code foo}, so multi-key reads,
 * quiet binary batches, {@code flush_all} and {@code stats} cross the two stores. Only the cases
 * that may use a key of the {@code a} route run (about half): the others never leave the
 * fallback store, which is the plain suite's.
 */
class PrefixRoutingDifferentialTests extends TextProtocolDifferentialTests {

	/** A key starting with {@code a}: after a space, a control byte or a binary header. */
	private static final Pattern ROUTED_KEY = Pattern.compile("(^|[\\x00-\\x20])a");

	private static final String CAS_PER_STORE = "each store numbers its items' CAS uniques itself, so items "
			+ "of the two routes may share one; a CAS unique is only ever compared with its own key's";

	/** The cases whose answers differ only because each store has its own CAS uniques. */
	private static final Map<String, String> DEVIATIONS = Map.ofEntries(
			Map.entry("smoke-gets-cas-pattern", CAS_PER_STORE), Map.entry("gets-multi-distinct-cas", CAS_PER_STORE),
			Map.entry("mix-interleaved-one-write", CAS_PER_STORE),
			Map.entry("bin-getkq-batch-with-noop", CAS_PER_STORE),
			Map.entry("bin-setq-success-silent", CAS_PER_STORE), Map.entry("bin-flush", CAS_PER_STORE),
			Map.entry("bin-set-exptime-relative", CAS_PER_STORE), Map.entry("bin-stat-after-traffic", CAS_PER_STORE));

	@Override
	TargetServer startOurServer(Login login) {
		return OurServer.start(login, PrefixRoutingHandler.of(Map.of("a", new ConcurrentMapMemcachedStore()),
				new ConcurrentMapMemcachedStore()));
	}

	@Override
	boolean selects(DifferentialCase c) {
		return ROUTED_KEY.matcher(new String(c.request(), StandardCharsets.ISO_8859_1)).find();
	}

	@Override
	String knownDeviation(DifferentialCase c) {
		return DEVIATIONS.get(c.name());
	}

}
