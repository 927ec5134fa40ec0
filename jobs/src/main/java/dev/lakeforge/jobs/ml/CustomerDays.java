package dev.lakeforge.jobs.ml;

import dev.lakeforge.gpu.Transforms;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The training set: one row per customer and day of the window, with features from the day's events
 * (built by {@link Transforms#customerEventFeatures}, GPU-friendly) and the label "buys the next
 * day". The window's last day has no label and is left out.
 */
final class CustomerDays {
  static final List<String> FEATURES =
      List.of(
          "events",
          "purchases",
          "spend",
          "rolling_spend",
          "rolling_avg",
          "rolling_max",
          "sessions",
          "hour_sin",
          "hour_cos",
          "weekday_sin",
          "weekday_cos",
          "categories",
          "spend_std");

  private CustomerDays() {}

  /**
   * The labelled customer-days of {@code events} (customer_id, event_type, amount, event_at) with
   * event_at in {@code [from, to)}, and the feature vector in {@code features}.
   */
  static Dataset<Row> of(SparkSession spark, Dataset<Row> events, Timestamp from, Timestamp to) {
    Dataset<Row> window =
        events
            .where(events.col("event_at").geq(from).and(events.col("event_at").lt(to)))
            .selectExpr(
                "customer_id",
                "event_type",
                "CAST(coalesce(amount, 0) AS DOUBLE) AS amount",
                "event_at");
    Transforms.customerEventFeatures("customer_id", "event_at", "amount", "event_type")
        .apply(window)
        .createOrReplaceTempView("lf_ml_event_features");
    Dataset<Row> days =
        spark.sql(
            """
            WITH d AS (
              SELECT customer_id, date(event_at) AS day,
                     count(*) AS events,
                     count_if(event_type = 'purchase') AS purchases,
                     sum(amount) AS spend,
                     max(amount_sum_7) AS rolling_spend,
                     avg(amount_avg_7) AS rolling_avg,
                     max(amount_max_7) AS rolling_max,
                     count(DISTINCT session) AS sessions,
                     avg(event_at_hour_sin) AS hour_sin,
                     avg(event_at_hour_cos) AS hour_cos,
                     avg(event_at_dayofweek_sin) AS weekday_sin,
                     avg(event_at_dayofweek_cos) AS weekday_cos,
                     count(DISTINCT event_type_hash) AS categories,
                     coalesce(avg(amount_std), 0.0) AS spend_std
              FROM lf_ml_event_features
              GROUP BY customer_id, date(event_at)),
            last_day AS (SELECT max(day) AS day FROM d)
            SELECT d.*,
                   CASE WHEN n.purchases > 0 THEN 1.0 ELSE 0.0 END AS label
            FROM d
            LEFT JOIN d n ON n.customer_id = d.customer_id AND n.day = date_add(d.day, 1)
            WHERE d.day < (SELECT day FROM last_day)
            """);
    return new VectorAssembler()
        .setInputCols(FEATURES.toArray(String[]::new))
        .setOutputCol("features")
        .setHandleInvalid("keep")
        .transform(days.na().fill(0.0, FEATURES.toArray(String[]::new)));
  }
}
