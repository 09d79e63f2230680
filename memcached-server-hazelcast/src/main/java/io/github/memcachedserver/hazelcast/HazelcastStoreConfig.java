package io.github.memcachedserver.hazelcast;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.NetworkConfig;

/**
 * The Hazelcast configuration the store needs: its item map sized like memcached's {@code -m},
 * and a cluster that members join over TCP/IP (no multicast).
 *
 * @since 0.1.0
 */
public final class HazelcastStoreConfig {

	private static final long MEGABYTE = 1024 * 1024;

	private HazelcastStoreConfig() {
	}

	/**
	 * Returns the item map's configuration: one synchronous backup (a lost member loses no
	 * acknowledged write), and memcached's memory limit as a limit on the heap the map takes
	 * on each member (primaries and backups, whole megabytes, at least one) beyond which the
	 * least recently used entries are evicted.
	 * @param mapName the item map's name
	 * @param memoryLimitBytes the memory limit per member
	 * @return the map configuration
	 */
	public static MapConfig itemMap(String mapName, long memoryLimitBytes) {
		EvictionConfig eviction = new EvictionConfig().setEvictionPolicy(EvictionPolicy.LRU)
			.setMaxSizePolicy(MaxSizePolicy.USED_HEAP_SIZE)
			.setSize((int) Math.max(1, memoryLimitBytes / MEGABYTE));
		return new MapConfig(mapName).setBackupCount(1).setAsyncBackupCount(0).setEvictionConfig(eviction);
	}

	/**
	 * Adds the item map's configuration unless the configuration already has one of that name.
	 * @param config the Hazelcast configuration
	 * @param mapName the item map's name
	 * @param memoryLimitBytes the memory limit per member
	 * @return the configuration
	 */
	public static Config withItemMap(Config config, String mapName, long memoryLimitBytes) {
		if (config.getMapConfigOrNull(mapName) == null) {
			config.addMapConfig(itemMap(mapName, memoryLimitBytes));
		}
		return config;
	}

	/**
	 * Creates the configuration of a member that joins the given hosts over TCP/IP. Members
	 * listen from {@code port} upwards (the first free port), and look for each other on the
	 * first three ports from it on every host, so three members on one machine need nothing
	 * more. When every host is a loopback address, members listen on loopback only.
	 * @param clusterName the cluster's name (members of other clusters are refused)
	 * @param port the first port to listen on
	 * @param members the hosts (optionally {@code host:port}) of the cluster's members
	 * @return the configuration
	 */
	public static Config tcpCluster(String clusterName, int port, List<String> members) {
		Config config = new Config().setClusterName(clusterName);
		config.setProperty("hazelcast.logging.type", "slf4j");
		config.setProperty("hazelcast.phone.home.enabled", "false");
		NetworkConfig network = config.getNetworkConfig().setPort(port).setPortAutoIncrement(true);
		JoinConfig join = network.getJoin();
		join.getMulticastConfig().setEnabled(false);
		join.getAutoDetectionConfig().setEnabled(false);
		join.getTcpIpConfig().setEnabled(true).setMembers(members);
		if (members.stream().allMatch(HazelcastStoreConfig::isLoopback)) {
			config.setProperty("hazelcast.socket.bind.any", "false");
			network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
		}
		return config;
	}

	private static boolean isLoopback(String member) {
		String host = member.contains(":") ? member.substring(0, member.lastIndexOf(':')) : member;
		try {
			return InetAddress.getByName(host).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

}
