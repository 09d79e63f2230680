package io.github.memcachedserver.server;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

import org.jspecify.annotations.Nullable;

/**
 * Writes socket addresses as memcached's {@code stats conns} does: {@code tcp:127.0.0.1:11211},
 * {@code tcp6:[::1]:11211} (IPv6 as {@code inet_ntop} writes it), {@code unix:/path}.
 */
final class SocketAddressText {

	private SocketAddressText() {
	}

	/**
	 * Writes a socket's own address: a listener's, or the end of a connection on the server.
	 * @param address the address, {@code null} for a unix socket without a name
	 * @return the text
	 */
	static String local(@Nullable SocketAddress address) {
		if (address instanceof InetSocketAddress inet) {
			byte[] ip = inet.getAddress().getAddress();
			return (inet.getAddress() instanceof Inet6Address) ? "tcp6:[" + ipv6(ip) + "]:" + inet.getPort()
					: "tcp:" + ipv4(ip, 0) + ":" + inet.getPort();
		}
		return "unix:" + ((address != null) ? address : "");
	}

	/**
	 * Writes a client's address. memcached records none for a unix socket client, and shows
	 * the empty address it has instead.
	 * @param address the client's address
	 * @return the text
	 */
	static String peer(@Nullable SocketAddress address) {
		return (address instanceof InetSocketAddress) ? local(address) : "?:<AF 0>";
	}

	private static String ipv4(byte[] ip, int from) {
		return (ip[from] & 0xff) + "." + (ip[from + 1] & 0xff) + "." + (ip[from + 2] & 0xff) + "." + (ip[from + 3] & 0xff);
	}

	/**
	 * Writes an IPv6 address as inet_ntop does: groups in lower-case hex without leading zeros,
	 * the longest run of two or more zero groups (the first of equal ones) as {@code ::}, and
	 * an IPv4 address in the last four bytes written as one after six zero groups, or after
	 * five and {@code ffff}.
	 */
	private static String ipv6(byte[] ip) {
		int[] groups = new int[8];
		for (int i = 0; i < 8; i++) {
			groups[i] = (ip[2 * i] & 0xff) << 8 | (ip[2 * i + 1] & 0xff);
		}
		int zerosFrom = -1;
		int zeros = 0;
		for (int i = 0; i < 8; i++) {
			int run = 0;
			while (i + run < 8 && groups[i + run] == 0) {
				run++;
			}
			if (run > zeros) {
				zerosFrom = i;
				zeros = run;
			}
			i += run;
		}
		if (zeros < 2) {
			zerosFrom = -1;
		}
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < 8; i++) {
			if (zerosFrom >= 0 && i >= zerosFrom && i < zerosFrom + zeros) {
				if (i == zerosFrom) {
					text.append(':');
				}
				continue;
			}
			if (i > 0) {
				text.append(':');
			}
			if (i == 6 && zerosFrom == 0 && (zeros == 6 || (zeros == 5 && groups[5] == 0xffff))) {
				return text.append(ipv4(ip, 12)).toString();
			}
			text.append(Integer.toHexString(groups[i]));
		}
		if (zerosFrom >= 0 && zerosFrom + zeros == 8) {
			text.append(':');
		}
		return text.toString();
	}

}
