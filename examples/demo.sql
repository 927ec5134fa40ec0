-- The embedded-default demo: an Iceberg table in the local warehouse, written and queried.
CREATE NAMESPACE IF NOT EXISTS lake.sql_demo;

CREATE OR REPLACE TABLE lake.sql_demo.orders (
  order_id   BIGINT,
  customer   STRING,
  status     STRING,
  amount     DECIMAL(10, 2),
  ordered_at TIMESTAMP
) USING iceberg
PARTITIONED BY (days(ordered_at));

INSERT INTO lake.sql_demo.orders VALUES
  (1, 'ada',    'NEW',       19.99, TIMESTAMP '2026-11-20 09:15:00'),
  (2, 'grace',  'PAID',      42.50, TIMESTAMP '2026-11-20 11:02:00'),
  (3, 'linus',  'PAID',       7.25, TIMESTAMP '2026-11-21 08:45:00'),
  (4, 'barbara','SHIPPED',  120.00, TIMESTAMP '2026-11-21 16:30:00'),
  (5, 'ken',    'CANCELLED', 15.00, TIMESTAMP '2026-11-22 10:10:00');

SELECT status, count(*) AS orders, sum(amount) AS revenue
FROM lake.sql_demo.orders
GROUP BY status
ORDER BY status;

SELECT date(ordered_at) AS day, count(*) AS orders
FROM lake.sql_demo.orders
GROUP BY date(ordered_at)
ORDER BY day;
