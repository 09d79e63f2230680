package io.github.memcachedserver.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the actuator over HTTP, as a monitoring system would.
 */
final class ActuatorClient {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final JsonMapper json = JsonMapper.builder().build();

	private final int port;

	ActuatorClient(int port) {
		this.port = port;
	}

	Response get(String path) throws IOException, InterruptedException {
		return send("GET", path, null);
	}

	/**
	 * Sends a request to an actuator path.
	 * @param body a JSON body, or {@code null} for none
	 */
	Response send(String method, String path, String body) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/" + path))
			.timeout(Duration.ofSeconds(15))
			.header("Content-Type", "application/json")
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build();
		HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		JsonNode json = response.body().isEmpty() ? this.json.missingNode() : this.json.readTree(response.body());
		return new Response(response.statusCode(), json);
	}

	record Response(int status, JsonNode body) {

		String component(String name) {
			return this.body.path("components").path(name).path("status").asString();
		}

	}

}
