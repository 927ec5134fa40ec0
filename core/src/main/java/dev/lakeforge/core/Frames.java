package dev.lakeforge.core;

import static org.apache.spark.sql.functions.lit;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * DataFrame helpers on Spark's shared API: they run unchanged on Classic and over Spark Connect.
 */
public final class Frames {
  /** The column {@link #diff} adds: {@code missing} or {@code unexpected}. */
  public static final String DIFF_COLUMN = "_diff";

  private Frames() {}

  /**
   * A column name as a SQL identifier: backtick-quoted, so a dot, a space or a backtick in it is
   * part of the name and never a path into a struct.
   *
   * <pre>{@code
   * df.selectExpr(Frames.quoted("order.id") + " AS id");   // `order.id`
   * }</pre>
   */
  public static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /**
   * The rows that differ between two frames, counting duplicates: each row of {@code expected} not
   * matched in {@code actual} comes back with {@code _diff = 'missing'}, each row of {@code actual}
   * not matched in {@code expected} with {@code _diff = 'unexpected'}. Columns are matched by name.
   * An empty result means both hold the same rows in any order.
   *
   * <pre>{@code
   * Dataset<Row> d = Frames.diff(yesterday, today);
   * d.filter("_diff = 'missing'").show();
   * }</pre>
   *
   * @throws LakeforgeException when the frames do not have the same column names
   */
  public static Dataset<Row> diff(Dataset<Row> expected, Dataset<Row> actual) {
    Set<String> e = new TreeSet<>(Arrays.asList(expected.columns()));
    Set<String> a = new TreeSet<>(Arrays.asList(actual.columns()));
    if (!e.equals(a)) {
      throw new LakeforgeException(
          "cannot diff frames with different columns: expected " + e + ", actual " + a);
    }
    Column[] order = Arrays.stream(expected.columns()).map(actual::col).toArray(Column[]::new);
    Dataset<Row> aligned = actual.select(order);
    Dataset<Row> missing = expected.exceptAll(aligned).withColumn(DIFF_COLUMN, lit("missing"));
    Dataset<Row> unexpected =
        aligned.exceptAll(expected).withColumn(DIFF_COLUMN, lit("unexpected"));
    return missing.unionByName(unexpected);
  }
}
