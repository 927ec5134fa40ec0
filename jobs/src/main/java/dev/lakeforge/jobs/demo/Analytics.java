package dev.lakeforge.jobs.demo;

import org.apache.spark.sql.SparkSession;

/** The demo's analytics layer, built from the validated tables in SQL a user can read and rerun. */
final class Analytics {
  private Analytics() {}

  static void build(SparkSession spark, String ns) {
    spark.sql(
        """
        CREATE TABLE %1$s.daily_revenue USING iceberg AS
        SELECT date(ordered_at) AS day,
               count(*) AS orders,
               count(DISTINCT customer_id) AS customers,
               sum(amount) AS revenue
        FROM %1$s.orders
        WHERE status <> 'CANCELLED'
        GROUP BY date(ordered_at)
        """
            .formatted(ns));
    spark.sql(
        """
        CREATE TABLE %1$s.customer_summary USING iceberg AS
        WITH o AS (
          SELECT customer_id, count(*) AS orders, sum(amount) AS revenue,
                 max(ordered_at) AS last_order
          FROM %1$s.orders WHERE status <> 'CANCELLED' GROUP BY customer_id),
        e AS (
          SELECT customer_id, count(*) AS events,
                 count_if(event_type = 'purchase') AS purchases, max(event_at) AS last_seen
          FROM %1$s.events GROUP BY customer_id)
        SELECT coalesce(o.customer_id, e.customer_id) AS customer_id,
               coalesce(o.orders, 0) AS orders,
               coalesce(o.revenue, 0) AS revenue,
               coalesce(e.events, 0) AS events,
               coalesce(e.purchases, 0) AS purchases,
               greatest(o.last_order, e.last_seen) AS last_active,
               CASE WHEN coalesce(o.revenue, 0) >= 1000 THEN 'high value'
                    WHEN coalesce(o.orders, 0) >= 3 THEN 'regular'
                    WHEN coalesce(o.orders, 0) >= 1 THEN 'occasional'
                    ELSE 'browser' END AS segment
        FROM o FULL OUTER JOIN e ON o.customer_id = e.customer_id
        """
            .formatted(ns));
  }
}
