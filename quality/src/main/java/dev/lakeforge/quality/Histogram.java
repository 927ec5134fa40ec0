package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.lakeforge.quality.Plans.Requirement;
import dev.lakeforge.quality.Plans.Scope;
import dev.lakeforge.quality.Plans.Standalone;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * Histogram: each value's count and ratio of the rows in scope (nulls as {@code NullValue}); the
 * {@code maxDetailBins} most frequent values are kept, {@code numberOfBins} counts all and the tail
 * counts the rows of the others. Optionally the values are first binned by a SQL expression ({@link
 * #binnedBy}), and a numeric column summed instead of rows counted ({@link #summing}).
 *
 * @param binning a SQL expression giving each row's bin, or null for the column's value
 * @param sumOf a numeric column whose sum per value is reported instead of the row count, or null
 */
public record Histogram(
    String column, int maxDetailBins, String binning, String sumOf, String filter)
    implements Analyzer, Standalone {
  public static final int DEFAULT_MAX_BINS = 1000;
  public static final String NULL_VALUE = "NullValue";

  public Histogram {
    if (column == null || maxDetailBins < 0) {
      throw new IllegalArgumentException(
          "Histogram needs a column and maxDetailBins >= 0 (the bins reported in"
              + " detail; every bin is counted), got "
              + column
              + " and "
              + maxDetailBins);
    }
  }

  public Histogram(String column, int maxDetailBins, String filter) {
    this(column, maxDetailBins, null, null, filter);
  }

  @Override
  public String name() {
    return "Histogram";
  }

  @Override
  public String instance() {
    return column;
  }

  @Override
  public Entity entity() {
    return Entity.COLUMN;
  }

  @Override
  public List<String> columns() {
    return sumOf == null ? List.of(column) : List.of(column, sumOf);
  }

  @Override
  public Histogram where(String p) {
    return new Histogram(column, maxDetailBins, binning, sumOf, p);
  }

  /** Reports the {@code bins} most frequent values in detail. */
  public Histogram withMaxDetailBins(int bins) {
    return new Histogram(column, bins, binning, sumOf, filter);
  }

  /**
   * Bins each row by a SQL expression first (e.g. {@code floor(amount / 100) * 100}); null stays
   * {@code NullValue}.
   */
  public Histogram binnedBy(String expression) {
    return new Histogram(column, maxDetailBins, expression, sumOf, filter);
  }

  /** Sums a numeric column per value instead of counting rows (Deequ's {@code Histogram.Sum}). */
  public Histogram summing(String numericColumn) {
    return new Histogram(column, maxDetailBins, binning, numericColumn, filter);
  }

  @Override
  public String precondition(StructType schema) {
    String p = Standalone.super.precondition(schema);
    if (p == null && sumOf != null) {
      p =
          Requirement.NUMERIC.problem(
              "Histogram's sum", sumOf, Plans.field(schema, sumOf).dataType());
    }
    return p;
  }

  @Override
  public String dataProblem(Dataset<Row> data) {
    String p = binning == null ? null : Engine.expressionProblem(data, binning, false);
    return p == null ? null : "invalid binning '" + binning + "': " + p;
  }

  /**
   * Values as strings, counted (or summed); the top bins, with the total and the number of bins
   * aggregated (not over a window without partitions, which would gather every bin in one task). No
   * rows, or a filter that keeps none, is an empty distribution, as in Deequ.
   */
  @Override
  public Metric compute(Dataset<Row> data) {
    Dataset<Row> rows = filter == null ? data : data.where(new Scope(filter, null).rows());
    Column value = binning == null ? Engine.column(column) : expr(binning);
    Column weight = sumOf == null ? lit(1L) : Engine.column(sumOf).cast("long");
    Dataset<Row> freq =
        rows.select(coalesce(value.cast("string"), lit(NULL_VALUE)).as("value"), weight.as("w"))
            .groupBy(col("value"))
            .agg(coalesce(functions.sum(col("w")), lit(0L)).cast("long").as(Engine.COUNT));
    Dataset<Row> totals =
        freq.agg(
            coalesce(functions.sum(col(Engine.COUNT)), lit(0L)).cast("long").as("__total"),
            count(lit(1)).as("__bins"));
    List<Row> top =
        maxDetailBins == 0
            ? List.of()
            : freq.orderBy(desc(Engine.COUNT), col("value"))
                .limit(maxDetailBins)
                .crossJoin(totals)
                .collectAsList();
    Row counts = top.isEmpty() ? totals.first() : null;
    long total = top.isEmpty() ? counts.getLong(0) : top.get(0).getLong(2);
    long bins = top.isEmpty() ? counts.getLong(1) : top.get(0).getLong(3);
    Map<String, Distribution.Value> values = new LinkedHashMap<>();
    long detailed = 0;
    for (Row r : top) {
      long c = r.getLong(1);
      detailed += c;
      values.put(r.getString(0), new Distribution.Value(c, (double) c / total));
    }
    return Metric.distribution(this, new Distribution(values, bins, total - detailed));
  }
}
