package io.github.memcachedserver.sample;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.test.MemcachedTestClient;
import net.spy.memcached.BinaryConnectionFactory;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A multi-key get of product rows is one SQL statement, and a write reads nothing back, both
 * counted by the database itself (H2's query statistics).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "memcached.server.listen=127.0.0.1:0")
class ProductMultiGetTests {

	private static final int FIRST_ID = 2001;

	private static final int ROWS = 100;

	@Autowired
	private MemcachedServer server;

	@Autowired
	private DatabaseClient database;

	@BeforeEach
	void insertRows() {
		this.database.sql("DELETE FROM product WHERE id >= " + FIRST_ID).then().block();
		for (int id = FIRST_ID; id < FIRST_ID + ROWS; id++) {
			this.database.sql("INSERT INTO product (id, name, price, version) VALUES (:id, :name, 1.50, 1)")
				.bind("id", id)
				.bind("name", "item " + id)
				.then()
				.block();
		}
	}

	@Test
	void aHundredKeyGetIsOneSelect() {
		List<Integer> ids = IntStream.range(FIRST_ID, FIRST_ID + ROWS).boxed().collect(Collectors.toList());
		// out of order, with a key repeated, a missing row and a key that is no product id
		Collections.reverse(ids);
		String keys = ids.stream().map((id) -> "product:" + id).collect(Collectors.joining(" "));
		this.database.sql("SET QUERY_STATISTICS TRUE").then().block();
		try (MemcachedTestClient client = MemcachedTestClient.connect(this.server.port())) {
			List<String> lines = client.send("get " + keys + " product:" + FIRST_ID + " product:999999 product:x\r\n");
			List<String> expected = new ArrayList<>();
			for (int id : ids) {
				expected.add("VALUE product:" + id + " 0 " + json(id).length());
				expected.add(json(id));
			}
			expected.add("VALUE product:" + FIRST_ID + " 0 " + json(FIRST_ID).length());
			expected.add(json(FIRST_ID));
			expected.add("END");
			assertThat(lines).containsExactlyElementsOf(expected);
			assertThat(executions("%FROM product WHERE id IN%")).isEqualTo(1);
			assertThat(executions("%FROM product WHERE id = %")).isZero();
		}
		finally {
			// which also drops the figures
			this.database.sql("SET QUERY_STATISTICS FALSE").then().block();
		}
	}

	@Test
	void aBinarySetAnswersTheNewVersionWithoutReadingTheRowBack() throws Exception {
		MemcachedClient client = new MemcachedClient(new BinaryConnectionFactory(),
				List.of(new InetSocketAddress("127.0.0.1", this.server.port())));
		this.database.sql("SET QUERY_STATISTICS TRUE").then().block();
		try {
			assertThat(client.set("product:" + FIRST_ID, 0, "{\"name\":\"renamed\",\"price\":2.5}").get()).isTrue();
			assertThat(client.set("product:9999", 0, "{\"name\":\"new\",\"price\":1}").get()).isTrue();
			assertThat(executions("SELECT %FROM product%")).isZero();
			CASValue<Object> read = client.gets("product:" + FIRST_ID);
			assertThat(read.getCas()).isEqualTo(2);
			assertThat(client.gets("product:9999").getCas()).isEqualTo(1);
		}
		finally {
			this.database.sql("SET QUERY_STATISTICS FALSE").then().block();
			this.database.sql("DELETE FROM product WHERE id = 9999").then().block();
			client.shutdown();
		}
	}

	private long executions(String statement) {
		return this.database
			.sql("SELECT COALESCE(SUM(EXECUTION_COUNT), 0) AS N FROM INFORMATION_SCHEMA.QUERY_STATISTICS "
					+ "WHERE SQL_STATEMENT LIKE :statement")
			.bind("statement", statement)
			.map((row) -> row.get("N", Long.class))
			.one()
			.block();
	}

	private static String json(int id) {
		return "{\"id\":" + id + ",\"name\":\"item " + id + "\",\"price\":1.50}";
	}

}
