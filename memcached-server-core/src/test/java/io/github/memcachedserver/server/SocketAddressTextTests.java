package io.github.memcachedserver.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SocketAddressTextTests {

	@Test
	void writesTcpAndUnixAddressesAsMemcachedDoes() throws UnknownHostException {
		assertThat(SocketAddressText.local(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 11211)))
			.isEqualTo("tcp:127.0.0.1:11211");
		assertThat(SocketAddressText.local(new InetSocketAddress(InetAddress.getByName("::1"), 11211)))
			.isEqualTo("tcp6:[::1]:11211");
		assertThat(SocketAddressText.local(UnixDomainSocketAddress.of("/run/memcached.sock")))
			.isEqualTo("unix:/run/memcached.sock");
	}

	@Test
	void writesAUnixSocketClientAsTheEmptyAddressMemcachedShows() throws UnknownHostException {
		assertThat(SocketAddressText.peer(UnixDomainSocketAddress.of(""))).isEqualTo("?:<AF 0>");
		assertThat(SocketAddressText.peer(null)).isEqualTo("?:<AF 0>");
		assertThat(SocketAddressText.peer(new InetSocketAddress(InetAddress.getByName("10.0.0.5"), 40000)))
			.isEqualTo("tcp:10.0.0.5:40000");
	}

	/** What glibc's inet_ntop writes for each. */
	@ParameterizedTest
	@CsvSource({ "::, ::", "::1, ::1", "fe80::1%1, fe80::1", "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
			"2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1", "1:0:0:0:0:0:0:0, 1::", "0:0:1:0:0:0:1:0, 0:0:1::1:0",
			"2001:DB8:ABCD:12:0:0:0:0, 2001:db8:abcd:12::", "::102:304, ::1.2.3.4", "::ffff:0:102:304, ::ffff:0:102:304" })
	void writesIpv6AsInetNtopDoes(String address, String expected) throws UnknownHostException {
		assertThat(SocketAddressText.local(new InetSocketAddress(InetAddress.getByName(address), 1)))
			.isEqualTo("tcp6:[" + expected + "]:1");
	}

}
