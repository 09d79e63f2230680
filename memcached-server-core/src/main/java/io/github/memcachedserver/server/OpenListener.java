package io.github.memcachedserver.server;

import java.net.SocketAddress;

import reactor.netty.DisposableServer;

/**
 * A listening socket of the server, as {@code stats conns} shows it.
 *
 * @param id its number, from the sequence connections are numbered from, so that a listener
 * comes before the connections it accepts (as memcached's file descriptors do)
 * @param address the bound address
 * @param openedAt when it opened, in epoch seconds
 * @param server the socket itself
 */
record OpenListener(long id, SocketAddress address, long openedAt, DisposableServer server) {
}
