-- The table stream-quality writes the good orders to (bin/lakeforge sql --config examples/orders-stream.yaml).
CREATE NAMESPACE IF NOT EXISTS lake.stream;
CREATE TABLE IF NOT EXISTS lake.stream.orders (
  order_id BIGINT, customer STRING, status STRING, amount DOUBLE
) USING iceberg;
