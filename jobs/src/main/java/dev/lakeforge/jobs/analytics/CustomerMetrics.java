package dev.lakeforge.jobs.analytics;

import dev.lakeforge.quality.Check;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The workflow's arithmetic, in SQL a reader can check: hourly aggregates per customer, and per
 * customer the segment, churn score, lifetime value and engagement score, as of the newest hour of
 * data (not the wall clock, so a rerun gives the same figures).
 *
 * <ul>
 *   <li>engagement score (0-100): {@code 100 * (1 - exp(-w / 50))}, w = views + 2 clicks + 4
 *       add-to-carts + 8 purchases in the 7 days before the as-of time;
 *   <li>churn score (0-1): {@code 1 - exp(-hours since last activity / 168)}: a week idle is 0.63;
 *   <li>lifetime value: revenue per week since first seen, times 52 weeks, times (1 - churn score);
 *   <li>segment: champion (active in the last 24 h, 5+ purchases), loyal (3+ purchases), at risk
 *       (churn score 0.5+ and a purchase), new (first seen in the last 48 h), browser (no
 *       purchase), occasional (the rest).
 * </ul>
 */
final class CustomerMetrics {
  static final String[] EVENT_TYPES = {"view", "click", "add_to_cart", "purchase"};
  static final String[] SEGMENTS = {"champion", "loyal", "at risk", "new", "browser", "occasional"};

  private CustomerMetrics() {}

  /**
   * Hourly aggregates of {@code events} (a view) for the (customer, hour) pairs in {@code keys}.
   */
  static Dataset<Row> hourly(SparkSession spark, String events, String keys) {
    return spark.sql(
        """
        SELECT e.customer_id,
               date_trunc('HOUR', e.event_at) AS hour,
               count(*) AS events,
               count_if(e.event_type = 'view') AS views,
               count_if(e.event_type = 'click') AS clicks,
               count_if(e.event_type = 'add_to_cart') AS carts,
               count_if(e.event_type = 'purchase') AS purchases,
               CAST(coalesce(sum(CASE WHEN e.event_type = 'purchase' THEN e.amount END), 0)
                    AS DECIMAL(18, 2)) AS revenue
        FROM %s e
        LEFT SEMI JOIN %s k
          ON e.customer_id = k.customer_id AND date_trunc('HOUR', e.event_at) = k.hour
        GROUP BY e.customer_id, date_trunc('HOUR', e.event_at)
        """
            .formatted(events, keys));
  }

  /**
   * The metrics of the customers in {@code customers} (a view with customer_id) from the hourly
   * table {@code hourly}, as of the hour after its newest.
   */
  static Dataset<Row> metrics(SparkSession spark, String hourly, String customers) {
    return spark.sql(
        """
        WITH as_of AS (SELECT max(hour) + INTERVAL 1 HOUR AS t FROM %1$s),
        h AS (
          SELECT h.*, a.t AS as_of FROM %1$s h CROSS JOIN as_of a
          WHERE h.customer_id IN (SELECT customer_id FROM %2$s)),
        c AS (
          SELECT customer_id,
                 sum(events) AS events,
                 sum(purchases) AS purchases,
                 CAST(sum(revenue) AS DECIMAL(18, 2)) AS revenue,
                 min(hour) AS first_seen,
                 max(hour) + INTERVAL 1 HOUR AS last_active,
                 (unix_seconds(max(as_of)) - unix_seconds(max(hour) + INTERVAL 1 HOUR)) / 3600.0
                   AS idle_hours,
                 (unix_seconds(max(as_of)) - unix_seconds(min(hour))) / 3600.0 AS tenure_hours,
                 sum(CASE WHEN hour >= as_of - INTERVAL 7 DAYS
                          THEN views + 2 * clicks + 4 * carts + 8 * purchases ELSE 0 END)
                   AS weighted_recent
          FROM h GROUP BY customer_id)
        SELECT customer_id, events, purchases, revenue, first_seen, last_active,
               round(100 * (1 - exp(-weighted_recent / 50.0)), 1) AS engagement_score,
               round(1 - exp(-idle_hours / 168.0), 3) AS churn_score,
               CAST(round(revenue / greatest(tenure_hours / 168.0, 1.0) * 52
                          * exp(-idle_hours / 168.0), 2) AS DECIMAL(18, 2)) AS lifetime_value,
               CASE WHEN idle_hours <= 24 AND purchases >= 5 THEN 'champion'
                    WHEN purchases >= 3 THEN 'loyal'
                    WHEN 1 - exp(-idle_hours / 168.0) >= 0.5 AND purchases >= 1 THEN 'at risk'
                    WHEN tenure_hours <= 48 THEN 'new'
                    WHEN purchases = 0 THEN 'browser'
                    ELSE 'occasional' END AS segment
        FROM c
        """
            .formatted(hourly, customers));
  }

  /** The gate on raw events: rows that break it are quarantined with their reasons. */
  static Check eventsCheck() {
    return Check.error("customer events")
        .isComplete("event_id")
        .isComplete("customer_id")
        .isComplete("event_at")
        .isContainedIn("event_type", EVENT_TYPES)
        .isNonNegative("amount")
        .satisfies(
            "event_type <> 'purchase' OR amount > 0", "a purchase has an amount", f -> f == 1);
  }

  /** The gate on the hourly layer. */
  static Check hourlyCheck() {
    return Check.error("customer hourly")
        .isPrimaryKey("customer_id", "hour")
        .isNonNegative("revenue")
        .satisfies(
            "views + clicks + carts + purchases = events", "event types add up", f -> f == 1);
  }

  /** The gate on the published metrics. */
  static Check metricsCheck() {
    return Check.error("customer metrics")
        .isPrimaryKey("customer_id")
        .satisfies("churn_score BETWEEN 0 AND 1", "churn score in [0, 1]", f -> f == 1)
        .satisfies(
            "engagement_score BETWEEN 0 AND 100", "engagement score in [0, 100]", f -> f == 1)
        .isNonNegative("lifetime_value")
        .isContainedIn("segment", SEGMENTS);
  }
}
