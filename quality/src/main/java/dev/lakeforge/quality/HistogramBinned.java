package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.quality.Analyzer.OneColumn;
import dev.lakeforge.quality.Plans.Requirement;
import dev.lakeforge.quality.Plans.Scope;
import dev.lakeforge.quality.Plans.Standalone;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * HistogramBinned: a numeric column's counts in bins, either {@code binCount} bins of equal width
 * between the minimum and maximum (the last bin closed; one bin when all values are equal) or the
 * bins between sorted {@code edges} ({@code [a, b)}, the last closed). With {@code overflow}, bins
 * below the first and above the last edge catch the rest; without it such values are counted
 * nowhere, as in Deequ. Keys are the bins ({@code [0.0, 10.0)}), in order; nulls are the tail.
 * Ratios are of the rows in scope.
 */
public record HistogramBinned(
    String column, Integer binCount, List<Double> edges, boolean overflow, String filter)
    implements Analyzer, OneColumn, Standalone {
  public static final int MAX_BINS = 1000;

  public HistogramBinned {
    if ((binCount == null) == (edges == null)) {
      throw new IllegalArgumentException(
          "HistogramBinned needs either binCount or edges, one of the two");
    }
    if (binCount != null && (binCount < (overflow ? 3 : 1) || binCount > MAX_BINS)) {
      throw new IllegalArgumentException(
          "binCount must lie in ["
              + (overflow ? 3 : 1)
              + ", "
              + MAX_BINS
              + "] (with overflow bins, at least one bin lies between them), got "
              + binCount);
    }
    if (edges != null) {
      edges = edges.stream().sorted().toList();
      if (edges.size() < 2 || edges.size() > MAX_BINS + 1) {
        throw new IllegalArgumentException(
            "edges must be 2 to " + (MAX_BINS + 1) + " numbers, got " + edges.size());
      }
    }
  }

  @Override
  public String name() {
    return "HistogramBinned";
  }

  @Override
  public HistogramBinned where(String p) {
    return new HistogramBinned(column, binCount, edges, overflow, p);
  }

  /** Adds bins below the first and above the last edge. */
  public HistogramBinned withOverflowBins() {
    return new HistogramBinned(column, binCount, edges, true, filter);
  }

  @Override
  public Requirement requirement() {
    return Requirement.NUMERIC;
  }

  @Override
  public Metric compute(Dataset<Row> data) {
    Dataset<Row> rows = filter == null ? data : data.where(new Scope(filter, null).rows());
    Column x = Engine.column(column).cast("double");
    List<Double> bounds = edges;
    if (bounds == null) {
      Row r = rows.agg(min(x), max(x)).first();
      if (r.isNullAt(0)) {
        bounds = List.of();
      } else {
        double lo = r.getDouble(0);
        double hi = r.getDouble(1);
        int interior = overflow ? binCount - 2 : binCount;
        bounds = new ArrayList<>();
        if (lo == hi) {
          bounds.addAll(List.of(lo, hi));
        } else {
          for (int i = 0; i <= interior; i++) {
            bounds.add(i == interior ? hi : lo + i * (hi - lo) / interior);
          }
        }
      }
    }
    if (overflow && !bounds.isEmpty()) {
      List<Double> b = new ArrayList<>(bounds);
      if (b.get(0) != Double.NEGATIVE_INFINITY) {
        b.add(0, Double.NEGATIVE_INFINITY);
      }
      if (b.get(b.size() - 1) != Double.POSITIVE_INFINITY) {
        b.add(Double.POSITIVE_INFINITY);
      }
      bounds = b;
    }
    int n = Math.max(bounds.size() - 1, 0);
    // The bin of a value: the last edge at or below it; the last interior bin closed (its upper
    // edge in it).
    Column bin = lit(-1);
    int lastClosed = overflow ? n - 2 : n - 1;
    for (int i = n - 1; i >= 0; i--) {
      Column lower = x.geq(bounds.get(i));
      Column upper = i == lastClosed ? x.leq(bounds.get(i + 1)) : x.lt(bounds.get(i + 1));
      bin = when(lower.and(upper), i).otherwise(bin);
    }
    List<Row> counts =
        rows.select(when(x.isNull(), -2).otherwise(bin).as("bin"))
            .groupBy(col("bin"))
            .agg(count(lit(1)).as("n"))
            .collectAsList();
    long total = 0;
    long nulls = 0;
    long[] perBin = new long[n];
    for (Row r : counts) {
      int b = r.getInt(0);
      long c = r.getLong(1);
      total += c;
      if (b == -2) {
        nulls = c;
      } else if (b >= 0) {
        perBin[b] = c;
      }
    }
    Map<String, Distribution.Value> values = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String key = "[" + bounds.get(i) + ", " + bounds.get(i + 1) + (i == lastClosed ? "]" : ")");
      values.put(
          key, new Distribution.Value(perBin[i], total == 0 ? 0 : (double) perBin[i] / total));
    }
    return Metric.distribution(this, new Distribution(values, n, nulls));
  }
}
