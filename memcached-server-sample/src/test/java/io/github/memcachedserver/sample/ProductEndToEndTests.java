package io.github.memcachedserver.sample;

import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.util.Map;

import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.test.MemcachedTestClient;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole application with a real memcached client: product rows are read, updated with
 * {@code cas} and deleted through memcached, and the changes are read back from the database
 * with SQL.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "memcached.server.listen=127.0.0.1:0")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProductEndToEndTests {

	@Autowired
	private MemcachedServer server;

	@Autowired
	private DatabaseClient database;

	private MemcachedClient client;

	@BeforeEach
	void connect() throws Exception {
		this.client = new MemcachedClient(new InetSocketAddress("127.0.0.1", this.server.port()));
	}

	@AfterEach
	void disconnect() {
		this.client.shutdown();
	}

	@Test
	@Order(1)
	void readsTheSeededRowsAsJson() {
		Map<String, Object> rows = this.client.getBulk("product:1", "product:2", "product:3", "product:4", "product:5");
		assertThat(rows).hasSize(5);
		assertThat(rows.get("product:1")).isEqualTo("{\"id\":1,\"name\":\"Espresso cup\",\"price\":4.50}");
		assertThat(rows.get("product:5")).isEqualTo("{\"id\":5,\"name\":\"Paper filters (100)\",\"price\":3.20}");
		assertThat(this.client.get("product:999")).isNull();
		assertThat(this.client.get("product:abc")).isNull();
	}

	@Test
	void casUpdatesARowOnceAndAStaleUniqueGetsExists() {
		CASValue<Object> read = this.client.gets("product:2");
		assertThat(read.getValue()).isEqualTo("{\"id\":2,\"name\":\"Milk jug\",\"price\":12.90}");
		long version = row(2).get("version", Long.class);
		assertThat(read.getCas()).isEqualTo(version);

		String update = "{\"name\":\"Milk jug, large\",\"price\":14.5}";
		assertThat(this.client.cas("product:2", read.getCas(), update)).isEqualTo(CASResponse.OK);
		assertThat(this.client.cas("product:2", read.getCas(), "{\"name\":\"Lost update\",\"price\":1}"))
			.isEqualTo(CASResponse.EXISTS);

		RowMap stored = row(2);
		assertThat(stored.get("name")).isEqualTo("Milk jug, large");
		assertThat((BigDecimal) stored.get("price")).isEqualByComparingTo("14.50");
		assertThat(stored.get("version", Long.class)).isEqualTo(version + 1);
		CASValue<Object> reread = this.client.gets("product:2");
		assertThat(reread.getCas()).isEqualTo(version + 1);
		assertThat(reread.getValue()).isEqualTo("{\"id\":2,\"name\":\"Milk jug, large\",\"price\":14.50}");
		assertThat(this.client.cas("product:998", 1, update)).isEqualTo(CASResponse.NOT_FOUND);
	}

	@Test
	void deleteRemovesTheRow() throws Exception {
		assertThat(this.client.get("product:4")).isNotNull();
		assertThat(this.client.delete("product:4").get()).isTrue();
		assertThat(this.client.get("product:4")).isNull();
		assertThat(count(4)).isZero();
		assertThat(this.client.delete("product:4").get()).isFalse();
	}

	@Test
	void setAddAndReplaceWriteRows() throws Exception {
		assertThat(this.client.replace("product:40", 0, "{\"name\":\"Scale\",\"price\":25}").get()).isFalse();
		assertThat(count(40)).isZero();
		assertThat(this.client.add("product:40", 0, "{\"name\":\"Scale\",\"price\":25}").get()).isTrue();
		assertThat(this.client.add("product:40", 0, "{\"name\":\"Other\",\"price\":1}").get()).isFalse();
		assertThat(row(40).get("name")).isEqualTo("Scale");
		assertThat(row(40).get("version", Long.class)).isEqualTo(1);
		assertThat(this.client.replace("product:40", 0, "{\"name\":\"Scale, digital\",\"price\":29.9}").get()).isTrue();
		assertThat(this.client.set("product:40", 0, "{\"id\":40,\"name\":\"Scale, pro\",\"price\":49}").get()).isTrue();
		assertThat(row(40).get("name")).isEqualTo("Scale, pro");
		assertThat(row(40).get("version", Long.class)).isEqualTo(3);
		assertThat(this.client.set("product:41", 0, "{\"name\":\"Tamper\",\"price\":19.99}").get()).isTrue();
		assertThat(row(41).get("name")).isEqualTo("Tamper");
	}

	@Test
	void refusesValuesThatAreNotProducts() throws Exception {
		try (MemcachedTestClient raw = MemcachedTestClient.connect(this.server.port())) {
			assertThat(raw.store("set", "product:3", "not json")).isEqualTo("CLIENT_ERROR invalid product: not JSON");
			assertThat(raw.store("set", "product:3", "{\"id\":4,\"name\":\"x\",\"price\":1}"))
				.isEqualTo("CLIENT_ERROR invalid product: id does not match the key");
			assertThat(raw.store("set", "product:3", "{\"name\":\"x\",\"price\":1,\"colour\":\"red\"}"))
				.isEqualTo("CLIENT_ERROR invalid product: unknown field 'colour'");
			assertThat(raw.store("set", "product:03", "{\"name\":\"x\",\"price\":1}")).startsWith("CLIENT_ERROR");
			assertThat(raw.store("append", "product:3", "x")).isEqualTo("SERVER_ERROR append not supported");
			assertThat(raw.send("incr product:3 1\r\n"))
				.containsExactly("CLIENT_ERROR cannot increment or decrement non-numeric value");
			assertThat(raw.send("get product:3\r\n")).containsExactly("VALUE product:3 0 46",
					"{\"id\":3,\"name\":\"Coffee grinder\",\"price\":89.00}", "END");
		}
		assertThat(row(3).get("version", Long.class)).isEqualTo(1);
	}

	private RowMap row(long id) {
		return this.database.sql("SELECT name, price, version FROM product WHERE id = :id")
			.bind("id", id)
			.fetch()
			.one()
			.map(RowMap::new)
			.block();
	}

	private long count(long id) {
		return this.database.sql("SELECT COUNT(*) AS n FROM product WHERE id = :id")
			.bind("id", id)
			.map((row) -> row.get("n", Long.class))
			.one()
			.block();
	}

	/**
	 * A row as a map whose keys ignore case (H2 answers upper-case column names, PostgreSQL
	 * lower-case).
	 */
	private static final class RowMap extends java.util.TreeMap<String, Object> {

		RowMap(Map<String, Object> row) {
			super(String.CASE_INSENSITIVE_ORDER);
			putAll(row);
		}

		<T> T get(String column, Class<T> type) {
			Object value = get(column);
			return type.cast((value instanceof Number number && type == Long.class) ? Long.valueOf(number.longValue()) : value);
		}

	}

}
