-- The table the sample exposes as product:<id>. Runs at every start (spring.sql.init.mode=always),
-- so each statement is idempotent and portable between H2 and PostgreSQL.
CREATE TABLE IF NOT EXISTS product (
	id BIGINT NOT NULL PRIMARY KEY,
	name VARCHAR(200) NOT NULL,
	price DECIMAL(12, 2) NOT NULL,
	version BIGINT NOT NULL
);
