package io.github.memcachedserver.sample.product;

import java.math.BigDecimal;
import java.util.Map;

import io.github.memcachedserver.handler.ClientErrorException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The memcached value of a product: a JSON object such as
 * {@code {"id":1,"name":"Espresso cup","price":4.50}}. Clients write the same shape; {@code id}
 * may be left out, and when present must match the key.
 *
 * @since 0.1.0
 */
public class ProductJson {

	static final int MAX_NAME_LENGTH = 200;

	private static final BigDecimal MAX_PRICE = new BigDecimal("9999999999.99");

	private final JsonMapper mapper;

	/**
	 * Creates a codec.
	 * @param mapper the JSON mapper
	 */
	public ProductJson(JsonMapper mapper) {
		this.mapper = mapper.rebuild().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
	}

	/**
	 * Writes a row as the value clients read.
	 * @param product the row
	 * @return UTF-8 JSON
	 */
	public byte[] write(Product product) {
		ObjectNode node = this.mapper.createObjectNode();
		node.put("id", product.id());
		node.put("name", product.name());
		node.put("price", product.price());
		return this.mapper.writeValueAsBytes(node);
	}

	/**
	 * Reads what a client wrote for a product.
	 * @param id the id of the key the client wrote to
	 * @param value the value bytes
	 * @return the columns to write
	 * @throws ClientErrorException when the value is not a valid product
	 */
	public ProductData read(long id, byte[] value) {
		JsonNode node;
		try {
			node = this.mapper.readTree(value);
		}
		catch (JacksonException ex) {
			throw invalid("not JSON");
		}
		if (node == null || !node.isObject()) {
			throw invalid("not a JSON object");
		}
		for (Map.Entry<String, JsonNode> field : node.properties()) {
			if (!field.getKey().equals("id") && !field.getKey().equals("name") && !field.getKey().equals("price")) {
				throw invalid("unknown field '" + field.getKey() + "'");
			}
		}
		JsonNode idNode = node.get("id");
		if (idNode != null && !(idNode.isIntegralNumber() && idNode.canConvertToLong() && idNode.longValue() == id)) {
			throw invalid("id does not match the key");
		}
		JsonNode nameNode = node.get("name");
		if (nameNode == null || !nameNode.isString() || nameNode.stringValue().isBlank()
				|| nameNode.stringValue().length() > MAX_NAME_LENGTH) {
			throw invalid("name must be a non-blank string of at most " + MAX_NAME_LENGTH + " characters");
		}
		JsonNode priceNode = node.get("price");
		if (priceNode == null || !priceNode.isNumber()) {
			throw invalid("price must be a number");
		}
		BigDecimal price = priceNode.decimalValue();
		if (price.signum() < 0 || price.compareTo(MAX_PRICE) > 0 || price.stripTrailingZeros().scale() > 2) {
			throw invalid("price must be between 0 and " + MAX_PRICE + " with at most two decimals");
		}
		return new ProductData(nameNode.stringValue(), price.setScale(2));
	}

	private static ClientErrorException invalid(String reason) {
		return new ClientErrorException("invalid product: " + reason);
	}

}
