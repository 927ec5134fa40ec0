package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.size;

import dev.lakeforge.core.Sessions;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Data split by row-level results: rows that break no constraint, and rows that break some, with
 * the reasons in {@value Verification#REASONS}. Every input row is in exactly one of the two.
 * Writes size their files for the data.
 *
 * <pre>{@code
 * Split s = Verification.onData(orders).addCheck(check).split();
 * Split.Counts n = s.write("lake/orders_clean", "lake/quarantine/orders", "parquet");
 * }</pre>
 */
public final class Split {
  private final Dataset<Row> annotated;
  private final Dataset<Row> malformed;

  Split(Dataset<Row> annotated) {
    this(annotated, null);
  }

  private Split(Dataset<Row> annotated, Dataset<Row> malformed) {
    this.annotated = annotated;
    this.malformed = malformed;
  }

  /**
   * This split with records that could not be read among the bad rows, e.g. {@link
   * InputSource.Records#malformed()}: the same columns, and their line and why in the reasons.
   */
  public Split withMalformed(Dataset<Row> records) {
    return new Split(annotated, malformed == null ? records : malformed.unionByName(records));
  }

  /** Every row with its reasons. */
  public Dataset<Row> annotated() {
    return annotated;
  }

  /** Rows that break no row-level constraint, without the reasons column. */
  public Dataset<Row> good() {
    return annotated.where(size(col(Verification.REASONS)).equalTo(0)).drop(Verification.REASONS);
  }

  /** Rows that break at least one row-level constraint, and malformed records, with the reasons. */
  public Dataset<Row> bad() {
    Dataset<Row> bad = annotated.where(size(col(Verification.REASONS)).gt(0));
    return malformed == null ? bad : bad.unionByName(malformed);
  }

  /** Appends the bad rows (with reasons) to a quarantine location, in files sized for the data. */
  public void quarantine(String path, String format) {
    sized(forFormat(bad(), format)).write().mode("append").format(format).save(path);
  }

  /** CSV holds no arrays: there the reasons are one text, separated by {@code "; "}. */
  private static Dataset<Row> forFormat(Dataset<Row> bad, String format) {
    return format.equalsIgnoreCase("csv")
        ? bad.withColumn(Verification.REASONS, concat_ws("; ", col(Verification.REASONS)))
        : bad;
  }

  /**
   * Rows in partitions sized for their volume: Spark's adaptive execution merges small partitions
   * (and splits skewed ones) before the write, so a few thousand rows land in a file or two, not
   * one per shuffle partition (200 on a cluster) or per input file.
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
   * Writes good rows and bad rows (appending to each), all or nothing: see {@link #stage}.
   *
   * @throws QualityException ({@link dev.lakeforge.core.ErrorKind#CONFLICT}) when another run is
   *     writing to one of the locations; nothing is written then
   */
  public Counts write(String goodPath, String badPath, String format) {
    try (Staged staged = stage(goodPath, badPath, format)) {
      staged.commit();
      return staged.counts();
    }
  }

  /**
   * Writes good rows and bad rows where readers of the two locations do not see them yet; {@link
   * Staged#commit()} appends them, closing without a commit leaves the locations as they were. The
   * run holds both locations until it is closed: a second writer fails at once with a clear error
   * instead of mixing its rows in. (Over Spark Connect the rows are appended directly, at commit.)
   * The annotated rows are persisted while they are counted and staged, unless they already are
   * ({@link #annotated()} persisted by the caller, who then reads them for more, e.g. the metrics,
   * and unpersists them).
   *
   * <pre>{@code
   * try (Split.Staged staged = split.stage("lake/orders_clean", "lake/quarantine/orders", "parquet")) {
   *   writeTheReport();            // anything else the run must write first
   *   staged.commit();
   * }
   * }</pre>
   *
   * @throws QualityException ({@link dev.lakeforge.core.ErrorKind#CONFLICT}) when another run is
   *     writing to one of the locations
   */
  public Staged stage(String goodPath, String badPath, String format) {
    return new Staged(goodPath, badPath, format);
  }

  /** Rows written to staging, to be committed or dropped. */
  public final class Staged implements AutoCloseable {
    private final String goodPath;
    private final String badPath;
    private final String format;
    private final OutputCommit commit;
    private final Counts counts;

    private Staged(String goodPath, String badPath, String format) {
      this.goodPath = goodPath;
      this.badPath = badPath;
      this.format = format;
      SparkSession spark = annotated.sparkSession();
      List<String> outputs = new ArrayList<>();
      if (goodPath != null) {
        outputs.add(goodPath);
      }
      if (badPath != null) {
        outputs.add(badPath);
      }
      this.commit =
          Sessions.isClassic(spark)
              ? OutputCommit.begin(Sessions.hadoopConfiguration(spark), outputs)
              : null;
      // rows the caller keeps (persisted) stay kept; others are kept for the count and writes only
      boolean ours = annotated.storageLevel().equals(StorageLevel.NONE());
      Dataset<Row> cached = ours ? annotated.persist() : annotated;
      try {
        Row n =
            cached
                .agg(
                    count_if(size(col(Verification.REASONS)).equalTo(0)),
                    count_if(size(col(Verification.REASONS)).gt(0)))
                .first();
        this.counts =
            new Counts(n.getLong(0), n.getLong(1) + (malformed == null ? 0 : malformed.count()));
        if (commit != null) {
          Split s = new Split(cached, malformed);
          if (goodPath != null) {
            sized(s.good()).write().mode("append").format(format).save(commit.staging(goodPath));
          }
          if (badPath != null) {
            sized(forFormat(s.bad(), format))
                .write()
                .mode("append")
                .format(format)
                .save(commit.staging(badPath));
          }
        }
      } catch (RuntimeException e) {
        close();
        throw e;
      } finally {
        if (ours) {
          cached.unpersist();
        }
      }
    }

    /** How many rows go where. */
    public Counts counts() {
      return counts;
    }

    /** Appends the staged rows to both locations. */
    public void commit() {
      if (commit != null) {
        commit.commit();
        return;
      }
      Split s = Split.this;
      if (goodPath != null) {
        sized(s.good()).write().mode("append").format(format).save(goodPath);
      }
      if (badPath != null) {
        sized(forFormat(s.bad(), format)).write().mode("append").format(format).save(badPath);
      }
    }

    /** Drops what was staged unless committed, and lets other runs write to the locations. */
    @Override
    public void close() {
      if (commit != null) {
        commit.close();
      }
    }
  }
}
