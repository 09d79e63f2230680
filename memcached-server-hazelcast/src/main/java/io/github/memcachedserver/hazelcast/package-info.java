/**
 * A memcached store on a Hazelcast {@code IMap} that every instance of an application shares:
 * any instance answers any key, and the map's backups keep what a lost instance held.
 */
@NullMarked
package io.github.memcachedserver.hazelcast;

import org.jspecify.annotations.NullMarked;
