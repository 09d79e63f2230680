package io.github.memcachedserver.conformance;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.github.memcachedserver.hazelcast.HazelcastMemcachedStore;
import io.github.memcachedserver.hazelcast.HazelcastStoreConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The differential suite ({@link TextProtocolDifferentialTests}, the same scripts compared with
 * the real memcached) against our server on the Hazelcast store: one Hazelcast member, and a
 * fresh item map for every case. The cases this store answers differently on purpose are
 * listed in {@link #DEVIATIONS} with their reasons (README.md, "Running several instances").
 */
class HazelcastStoreDifferentialTests extends TextProtocolDifferentialTests {

	private static final String NO_STORE_STATS = "no store figures in stats (curr_items, total_items, bytes, "
			+ "stats items, stats cachedump): true ones would take a call to every member on the event loop";

	private static final String NO_READ_STATE = "reads record nothing on the item (h, l, fetch=): "
			+ "a read would otherwise be a write replicated to the backups";

	private static final String FLAKE_CAS = "CAS uniques are cluster-wide flake ids (about 2^60), so the "
			+ "case's made-up 'newer' CAS 999999 is older than the item's";

	/** The cases this store deliberately answers otherwise, and why. */
	private static final Map<String, String> DEVIATIONS = Map.ofEntries(
			Map.entry("stats-fresh", NO_STORE_STATS),
			Map.entry("stats-after-flush", NO_STORE_STATS),
			Map.entry("stats-after-traffic", NO_STORE_STATS),
			Map.entry("stats-counts-noreply-commands", NO_STORE_STATS),
			Map.entry("stats-too-large", NO_STORE_STATS),
			Map.entry("stats-reset", NO_STORE_STATS),
			Map.entry("stats-cas-hit", NO_STORE_STATS),
			Map.entry("stats-total-items-incr-in-place-vs-growing", NO_STORE_STATS),
			Map.entry("stats-cachedump-lists-an-item", NO_STORE_STATS),
			Map.entry("stats-meta-commands-count-where-memcached-counts", NO_STORE_STATS),
			Map.entry("bin-stat", NO_STORE_STATS),
			Map.entry("bin-stat-after-traffic", NO_STORE_STATS),
			Map.entry("bin-stat-incr-creates", NO_STORE_STATS),
			Map.entry("bin-stat-cas-hit", NO_STORE_STATS),
			Map.entry("bin-stat-items", NO_STORE_STATS),
			Map.entry("bin-stat-reset-then-stat", NO_STORE_STATS),
			Map.entry("auth-stats-after-login", NO_STORE_STATS),
			Map.entry("sasl-stats-after-login", NO_STORE_STATS),
			Map.entry("mg-h-first-then-second-fetch", NO_READ_STATE),
			Map.entry("mg-h-after-classic-get", NO_READ_STATE),
			Map.entry("mg-l-last-access", NO_READ_STATE),
			Map.entry("mg-u-does-not-mark-fetched", NO_READ_STATE),
			Map.entry("finding-md-invalidate-keeps-fetched", NO_READ_STATE),
			Map.entry("finding-mg-long-opaque-locked-read-does-not-bump", NO_READ_STATE),
			Map.entry("lease-ms-I-newer-cas", FLAKE_CAS));

	private static final AtomicInteger maps = new AtomicInteger();

	private static HazelcastInstance hazelcast;

	@BeforeAll
	static void startMember() {
		hazelcast = Hazelcast.newHazelcastInstance(
				HazelcastStoreConfig.tcpCluster("differential-" + UUID.randomUUID(), 5901, List.of("127.0.0.1:5901")));
	}

	@AfterAll
	static void stopMember() {
		if (hazelcast != null) {
			hazelcast.shutdown();
		}
	}

	@Override
	TargetServer startOurServer(Login login) {
		String mapName = "case-" + maps.incrementAndGet();
		HazelcastMemcachedStore store = new HazelcastMemcachedStore(hazelcast, mapName, 1024 * 1024);
		OurServer server = OurServer.start(login, store);
		return new TargetServer() {

			@Override
			public int port() {
				return server.port();
			}

			@Override
			public void close() {
				server.close();
				store.close();
				hazelcast.getMap(mapName).destroy();
				hazelcast.getMap(mapName + ".flush").destroy();
			}

		};
	}

	@Override
	String knownDeviation(DifferentialCase c) {
		return DEVIATIONS.get(c.name());
	}

}
