package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.size;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Data split by row-level results: rows that break no constraint, and rows that break some, with
 * the reasons in {@value Verification#REASONS}. Every input row is in exactly one of the two. Writes
 * size their files for the data.
 *
 * <pre>{@code
 * Split s = Verification.onData(orders).addCheck(check).split();
 * Split.Counts n = s.write("lake/orders_clean", "lake/quarantine/orders", "parquet");
 * }</pre>
 */
public final class Split {
  private final Dataset<Row> annotated;

  Split(Dataset<Row> annotated) {
    this.annotated = annotated;
  }

  /** Every row with its reasons. */
  public Dataset<Row> annotated() {
    return annotated;
  }

  /** Rows that break no row-level constraint, without the reasons column. */
  public Dataset<Row> good() {
    return annotated.where(size(col(Verification.REASONS)).equalTo(0)).drop(Verification.REASONS);
  }

  /** Rows that break at least one row-level constraint, with the reasons. */
  public Dataset<Row> bad() {
    return annotated.where(size(col(Verification.REASONS)).gt(0));
  }

  /** Appends the bad rows (with reasons) to a quarantine location, in files sized for the data. */
  public void quarantine(String path, String format) {
    sized(bad()).write().mode("append").format(format).save(path);
  }

  /**
   * Rows in partitions sized for their volume: Spark's adaptive execution merges small partitions
   * (and splits skewed ones) before the write, so a few thousand rows land in a file or two, not one
   * per shuffle partition (200 on a cluster) or per input file.
   */
  private static Dataset<Row> sized(Dataset<Row> rows) {
    return rows.hint("rebalance");
  }

  /**
   * How many rows went where.
   *
   * @param good rows written to the good location
   * @param bad rows written to the quarantine location
   */
  public record Counts(long good, long bad) {
    public long total() {
      return good + bad;
    }
  }

  /**
   * Writes good rows and bad rows (appending to each). The annotated rows are persisted so the
   * source is read once, and released afterwards.
   */
  public Counts write(String goodPath, String badPath, String format) {
    Dataset<Row> cached = annotated.persist();
    try {
      Row n = cached.agg(count_if(size(col(Verification.REASONS)).equalTo(0)), count_if(size(col(Verification.REASONS)).gt(0)))
          .first();
      Split s = new Split(cached);
      if (goodPath != null) {
        sized(s.good()).write().mode("append").format(format).save(goodPath);
      }
      if (badPath != null) {
        sized(s.bad()).write().mode("append").format(format).save(badPath);
      }
      return new Counts(n.getLong(0), n.getLong(1));
    } finally {
      cached.unpersist();
    }
  }
}
