-- Sixteen days of a shop's customer events for retrain-model (bin/lakeforge sql --config
-- examples/retrain-model.yaml): a third of the 300 customers browse more and buy almost daily.
CREATE NAMESPACE IF NOT EXISTS lake.ml;
DROP TABLE IF EXISTS lake.ml.customer_events PURGE;
CREATE TABLE lake.ml.customer_events USING iceberg AS
WITH days AS (
  SELECT c.id AS customer, d.id AS day, c.id % 20 < 7 AS buyer,
         pmod(hash(c.id, d.id, 1), 1000) / 1000.0 AS draw
  FROM range(300) c CROSS JOIN range(16) d),
browsing AS (
  SELECT customer, day, buyer, explode(sequence(0, IF(buyer, 7, 2))) AS i FROM days)
SELECT concat('C', customer) AS customer_id,
       IF(buyer AND i < 2, 'add_to_cart', 'view') AS event_type,
       0.0D AS amount,
       TIMESTAMP '2026-11-01 08:00:00' + make_dt_interval(day, i, 0, 0) AS event_at
FROM browsing
UNION ALL
SELECT concat('C', customer), 'purchase', CAST(20 + pmod(hash(customer, day, 2), 180) AS DOUBLE),
       TIMESTAMP '2026-11-01 20:00:00' + make_dt_interval(day, 0, 0, 0)
FROM days
WHERE draw < IF(buyer, 0.92, 0.03);
