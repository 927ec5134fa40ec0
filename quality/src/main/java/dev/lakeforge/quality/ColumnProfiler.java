package dev.lakeforge.quality;

import dev.lakeforge.quality.profile.Profiler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Profiles every column in two passes over the data: one fused analysis (completeness, approximate
 * distinct count, inferred type of strings, lengths, numeric statistics and quantiles; on Parquet
 * or ORC files the sketches read the data once more, in an aggregation of their own), then one job
 * counting the values of all low-cardinality columns together.
 *
 * <pre>{@code
 * Profile p = ColumnProfiler.onData(orders).run();
 * p.column("status").histogram();   // {NEW=120, PAID=310, ...}
 * }</pre>
 */
public final class ColumnProfiler {
  private final Dataset<Row> data;
  private int lowCardinality = 120;

  private ColumnProfiler(Dataset<Row> data) {
    this.data = data;
  }

  public static ColumnProfiler onData(Dataset<Row> data) {
    return new ColumnProfiler(data);
  }

  /** Columns with at most this many (approximate) distinct values get a histogram (default 120). */
  public ColumnProfiler lowCardinalityThreshold(int threshold) {
    this.lowCardinality = threshold;
    return this;
  }

  /**
   * The profile: one fused analysis of every column, then one job counting the low-cardinality
   * values.
   */
  public Profile run() {
    return Profiler.run(data, lowCardinality);
  }
}
