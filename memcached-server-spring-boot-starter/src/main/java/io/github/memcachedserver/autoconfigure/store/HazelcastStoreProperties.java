package io.github.memcachedserver.autoconfigure.store;

import java.util.ArrayList;
import java.util.List;

import io.github.memcachedserver.hazelcast.HazelcastMemcachedStore;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the Hazelcast store ({@code memcached.server.store.type=hazelcast}), under
 * {@code memcached.server.store.hazelcast}. The cluster settings apply only when the
 * application brings no Hazelcast configuration of its own (a {@code Config} bean,
 * {@code spring.hazelcast.config} or a {@code hazelcast.yaml}).
 *
 * @since 0.1.0
 */
@ConfigurationProperties("memcached.server.store.hazelcast")
public class HazelcastStoreProperties {

	/**
	 * Name of the map that holds the items; every instance serving the same items uses the same.
	 */
	private String mapName = HazelcastMemcachedStore.DEFAULT_MAP_NAME;

	/**
	 * Name of the Hazelcast cluster; members of another cluster are refused.
	 */
	private String clusterName = "memcached-server";

	/**
	 * First port the member listens on; the next free one is taken when it is in use.
	 */
	private int port = 5701;

	/**
	 * Hosts of the cluster's members ("host" or "host:port"); members look for each other on
	 * the first three ports from "port" of every host. All loopback: members listen on
	 * loopback only.
	 */
	private List<String> members = new ArrayList<>(List.of("127.0.0.1"));

	public String getMapName() {
		return this.mapName;
	}

	public void setMapName(String mapName) {
		this.mapName = mapName;
	}

	public String getClusterName() {
		return this.clusterName;
	}

	public void setClusterName(String clusterName) {
		this.clusterName = clusterName;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

	public List<String> getMembers() {
		return this.members;
	}

	public void setMembers(List<String> members) {
		this.members = members;
	}

}
