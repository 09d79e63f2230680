-- Seed rows, inserted only where missing: a restart against PostgreSQL keeps edits to them (a deleted one comes back).
INSERT INTO product (id, name, price, version) SELECT 1, 'Espresso cup', 4.50, 1 WHERE NOT EXISTS (SELECT 1 FROM product WHERE id = 1);
INSERT INTO product (id, name, price, version) SELECT 2, 'Milk jug', 12.90, 1 WHERE NOT EXISTS (SELECT 1 FROM product WHERE id = 2);
INSERT INTO product (id, name, price, version) SELECT 3, 'Coffee grinder', 89.00, 1 WHERE NOT EXISTS (SELECT 1 FROM product WHERE id = 3);
INSERT INTO product (id, name, price, version) SELECT 4, 'Pour-over kettle', 39.95, 1 WHERE NOT EXISTS (SELECT 1 FROM product WHERE id = 4);
INSERT INTO product (id, name, price, version) SELECT 5, 'Paper filters (100)', 3.20, 1 WHERE NOT EXISTS (SELECT 1 FROM product WHERE id = 5);
