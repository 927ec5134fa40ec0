-- The "legacy" shop database etl-migrate reads: customers in PostgreSQL (the dev services'), written
-- through Spark's JDBC catalog `shopdb` (bin/lakeforge sql --config examples/etl-migrate.yaml).
CREATE TABLE IF NOT EXISTS shopdb.public.customers (
  customer_id BIGINT, name STRING, country STRING, updated_at TIMESTAMP);
INSERT INTO shopdb.public.customers
SELECT id, concat('customer ', id), element_at(array('DE', 'FR', 'IT', 'ES'), CAST(id % 4 + 1 AS INT)),
       TIMESTAMP '2026-11-01 00:00:00' + make_dt_interval(0, 0, 0, id)
FROM range(1, 50001);
