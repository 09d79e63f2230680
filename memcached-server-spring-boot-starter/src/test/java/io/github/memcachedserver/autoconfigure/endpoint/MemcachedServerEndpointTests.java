package io.github.memcachedserver.autoconfigure.endpoint;

import java.time.Duration;

import io.github.memcachedserver.autoconfigure.endpoint.MemcachedServerEndpoint.ListenerDescriptor;
import io.github.memcachedserver.server.MemcachedServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class MemcachedServerEndpointTests {

	private final MemcachedServer server = MemcachedServer.builder().listen("127.0.0.1:0").build().start();

	private final MemcachedServerEndpoint endpoint = new MemcachedServerEndpoint(this.server);

	@AfterEach
	void stop() {
		this.server.stop(Duration.ofSeconds(5));
	}

	@Test
	void opensAndClosesListenersByTheAddressItLists() {
		ListenerDescriptor opened = this.endpoint.open("listeners", "127.0.0.1:0");
		assertThat(this.endpoint.server().listeners()).hasSize(2).contains(opened.address());
		ListenerDescriptor closed = this.endpoint.close("listeners", opened.address().substring(1));
		assertThat(closed).isEqualTo(new ListenerDescriptor(opened.address(), false));
		assertThat(this.endpoint.server().listeners()).hasSize(1).doesNotContain(opened.address());
	}

	@Test
	void tellsTheTransportWhileTheServerRuns() {
		assertThat(this.endpoint.server().transport()).isNotNull().isEqualTo(this.server.transport());
		this.server.stop(Duration.ofSeconds(5));
		assertThat(this.endpoint.server().running()).isFalse();
		assertThat(this.endpoint.server().transport()).isNull();
	}

	@Test
	void refusesWhatItCannotDo() {
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.endpoint.open("listeners", "nowhere:port"));
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.endpoint.close("listeners", "127.0.0.1:1"));
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.endpoint.flush("listeners"));
		assertThat(this.endpoint.stats("nonsense")).isNull();
	}

}
