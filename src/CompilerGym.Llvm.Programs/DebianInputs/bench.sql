-- A deterministic workload for the debian-v0 sqlite3 benchmark: tables filled by recursive
-- queries, indexes, joins, grouping, window functions, JSON, full-text search, updates.
CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT, city TEXT);
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER REFERENCES customer(id), amount REAL, day INTEGER, note TEXT);

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
INSERT INTO customer SELECT i, 'customer' || i, char(65 + (i * 7) % 23) || 'ville' FROM n;

WITH RECURSIVE n(i, x) AS (SELECT 1, 12345 UNION ALL SELECT i + 1, (x * 1103515245 + 12345) % 2147483648 FROM n WHERE i < 30000)
INSERT INTO orders SELECT i, 1 + x % 2000, (x % 100000) / 100.0, x % 365,
  CASE x % 5 WHEN 0 THEN 'express delivery' WHEN 1 THEN 'gift wrap' WHEN 2 THEN 'fragile glass' ELSE 'standard' END FROM n;

CREATE INDEX orders_customer ON orders(customer);
CREATE INDEX orders_day ON orders(day, amount);

SELECT count(*), round(sum(amount), 2), round(avg(amount), 4), min(day), max(day) FROM orders;

SELECT c.city, count(*) AS n, round(sum(o.amount), 2) AS total
FROM orders o JOIN customer c ON c.id = o.customer
GROUP BY c.city ORDER BY total DESC LIMIT 8;

SELECT customer, amount, rank FROM (
  SELECT customer, amount, rank() OVER (PARTITION BY customer ORDER BY amount DESC, id) AS rank FROM orders)
WHERE rank = 1 ORDER BY amount DESC, customer LIMIT 5;

SELECT day, round(sum(amount) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW), 2)
FROM (SELECT day, sum(amount) AS amount FROM orders GROUP BY day) ORDER BY day LIMIT 10 OFFSET 100;

SELECT json_group_array(json_object('id', id, 'amount', amount)) FROM (SELECT id, amount FROM orders WHERE day = 17 ORDER BY id LIMIT 4);

CREATE VIRTUAL TABLE notes USING fts4(body);
INSERT INTO notes SELECT note || ' order ' || id FROM orders WHERE id % 10 = 0;
SELECT count(*) FROM notes WHERE notes MATCH 'fragile';
SELECT count(*) FROM notes WHERE notes MATCH 'gift OR express';

UPDATE orders SET amount = amount * 1.1 WHERE day BETWEEN 100 AND 120;
DELETE FROM orders WHERE amount < 5;
SELECT count(*), round(sum(amount), 2) FROM orders;

SELECT printf('%08.3f|%-6s|%x', amount, substr(note, 1, 5), id), upper(note), hex(zeroblob(3))
FROM orders WHERE customer IN (SELECT id FROM customer WHERE city = 'Bville') ORDER BY id LIMIT 5;

SELECT group_concat(name, ',') FROM (SELECT name FROM customer WHERE name GLOB '*77*' ORDER BY name);
