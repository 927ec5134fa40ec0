-- Sample orders for the docs' examples, in the embedded default's Iceberg catalog `lake`.
-- Two loads: the first is tagged first_load; the second has defects a quality suite catches
-- (a missing customer, a negative amount, an unknown status and a repeated order id).
CREATE NAMESPACE IF NOT EXISTS lake.sales;

CREATE OR REPLACE TABLE lake.sales.orders (
  order_id   BIGINT,
  customer   STRING,
  status     STRING,
  amount     DOUBLE,
  ordered_at TIMESTAMP
) USING iceberg;

INSERT INTO lake.sales.orders VALUES
  (1,  'ada',     'PAID',      19.99, TIMESTAMP '2026-11-20 09:15:00'),
  (2,  'grace',   'PAID',      42.50, TIMESTAMP '2026-11-20 11:02:00'),
  (3,  'linus',   'NEW',        7.25, TIMESTAMP '2026-11-21 08:45:00'),
  (4,  'barbara', 'SHIPPED',  120.00, TIMESTAMP '2026-11-21 16:30:00'),
  (5,  'ken',     'CANCELLED', 15.00, TIMESTAMP '2026-11-22 10:10:00'),
  (6,  'margaret','PAID',      64.10, TIMESTAMP '2026-11-22 12:00:00'),
  (7,  'dennis',  'NEW',       12.00, TIMESTAMP '2026-11-22 13:30:00'),
  (8,  'frances', 'SHIPPED',   33.33, TIMESTAMP '2026-11-23 09:00:00');

ALTER TABLE lake.sales.orders CREATE OR REPLACE TAG first_load;

INSERT INTO lake.sales.orders VALUES
  (9,  NULL,      'PAID',      25.00, TIMESTAMP '2026-11-23 10:00:00'),
  (10, 'edsger',  'PAID',      -5.00, TIMESTAMP '2026-11-23 11:00:00'),
  (11, 'barbara', 'LOST',      18.00, TIMESTAMP '2026-11-23 12:00:00'),
  (8,  'frances', 'SHIPPED',   33.33, TIMESTAMP '2026-11-23 09:00:00'),
  (12, 'alan',    'NEW',       71.40, TIMESTAMP '2026-11-24 08:00:00');

SELECT status, count(*) AS orders, round(sum(amount), 2) AS revenue
FROM lake.sales.orders GROUP BY status ORDER BY status;
