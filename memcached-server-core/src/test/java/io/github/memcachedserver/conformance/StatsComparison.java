package io.github.memcachedserver.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares a {@code stats} block of our server with memcached's: every field we emit must be a
 * memcached field, in memcached's order; the fields any memcached-compatible server has must be
 * there; counters whose value follows from the script alone must be equal. Fields that describe
 * memcached's own machinery (slabs, threads, LRU crawler, ...) may be absent.
 */
final class StatsComparison {

	/** Counters whose value is fully determined by the script. */
	static final Set<String> DETERMINISTIC = Set.of("cmd_get", "cmd_set", "cmd_flush", "cmd_touch", "get_hits",
			"get_misses", "get_expired", "get_flushed", "delete_misses", "delete_hits", "incr_misses", "incr_hits",
			"decr_misses", "decr_hits", "cas_misses", "cas_hits", "cas_badval", "touch_hits", "touch_misses",
			"store_too_large", "auth_cmds", "auth_errors", "curr_items", "total_items", "evictions",
			"expired_unfetched", "evicted_unfetched", "evicted_active", "rejected_connections");

	/** Fields a memcached-compatible server must report. */
	static final List<String> REQUIRED = List.of("pid", "uptime", "time", "version", "curr_connections",
			"total_connections", "cmd_get", "cmd_set", "cmd_flush", "cmd_touch", "get_hits", "get_misses",
			"delete_misses", "delete_hits", "incr_misses", "incr_hits", "decr_misses", "decr_hits", "cas_misses",
			"cas_hits", "cas_badval", "touch_hits", "touch_misses", "curr_items", "total_items");

	private StatsComparison() {
	}

	static List<String> compare(List<Map<String, String>> reference, List<Map<String, String>> ours,
			Set<String> ignored) {
		List<String> problems = new ArrayList<>();
		if (reference.size() != ours.size()) {
			problems.add("memcached sent " + reference.size() + " STAT blocks, ours " + ours.size());
			return problems;
		}
		for (int b = 0; b < reference.size(); b++) {
			Map<String, String> ref = reference.get(b);
			Map<String, String> act = ours.get(b);
			String prefix = (reference.size() > 1) ? "stats block " + (b + 1) + ": " : "";
			List<String> refNames = new ArrayList<>(ref.keySet());
			int lastIndex = -1;
			String lastName = null;
			for (String name : act.keySet()) {
				int idx = refNames.indexOf(name);
				if (idx < 0) {
					problems.add(prefix + "field '" + name + "' is not a memcached field");
					continue;
				}
				if (idx < lastIndex) {
					problems.add(prefix + "field '" + name + "' comes after '" + lastName
							+ "' but memcached sends it before");
				}
				lastIndex = idx;
				lastName = name;
			}
			boolean general = ref.containsKey("pid");
			if (general) {
				for (String name : REQUIRED) {
					if (ref.containsKey(name) && !act.containsKey(name)) {
						problems.add(prefix + "required field '" + name + "' is missing");
					}
				}
			}
			for (Map.Entry<String, String> e : ref.entrySet()) {
				if (DETERMINISTIC.contains(e.getKey()) && !ignored.contains(e.getKey()) && act.containsKey(e.getKey())
						&& !e.getValue().equals(act.get(e.getKey()))) {
					problems.add(prefix + "STAT " + e.getKey() + ": memcached " + e.getValue() + ", ours "
							+ act.get(e.getKey()));
				}
			}
		}
		return problems;
	}

}
