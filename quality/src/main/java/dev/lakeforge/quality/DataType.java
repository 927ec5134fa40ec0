package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.when;

import dev.lakeforge.quality.Analyzer.OneColumn;
import dev.lakeforge.quality.Plans.Requirement;
import dev.lakeforge.quality.Plans.ScanShareable;
import dev.lakeforge.quality.Plans.Scope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * DataType: the distribution of inferred types of a column's values as strings: {@code Unknown}
 * (null), {@code Fractional}, {@code Integral}, {@code Boolean} or {@code String}, with Deequ's
 * rules. Reported like a histogram (metric names {@code Histogram.abs.Integral}, ...).
 */
public record DataType(String column, String filter) implements Analyzer, OneColumn, ScanShareable {
  @Override
  public String name() {
    return "Histogram";
  }

  @Override
  public DataType where(String p) {
    return new DataType(column, p);
  }

  @Override
  public Requirement requirement() {
    return Requirement.FLAT;
  }

  @Override
  public String describe() {
    return "DataType(" + column + (filter == null ? ")" : ", where " + filter + ")");
  }

  @Override
  public List<Column> aggregations(Scope s) {
    Column c =
        Engine.column(column)
            .cast("string"); // any flat type is classified by its text, as in Deequ
    Column tag =
        when(c.isNull(), 0)
            .when(Engine.wholeMatch(c, Engine.FRACTIONAL), 1)
            .when(Engine.wholeMatch(c, Engine.INTEGRAL), 2)
            .when(Engine.wholeMatch(c, Engine.BOOLEAN), 3)
            .otherwise(4);
    List<Column> sums = new ArrayList<>();
    for (int k = 0; k < Engine.TYPE_NAMES.length; k++) {
      sums.add(functions.sum(s.only(when(tag.equalTo(k), 1).otherwise(0))).cast("long"));
    }
    return sums;
  }

  @Override
  public Metric metric(Object[] v) {
    long total = 0;
    for (Object x : v) {
      total += x == null ? 0 : ((Number) x).longValue();
    }
    // no rows: every count 0 and every ratio NaN (0 / 0), as in Deequ
    Map<String, Distribution.Value> values = new LinkedHashMap<>();
    for (int k = 0; k < Engine.TYPE_NAMES.length; k++) {
      long n = v[k] == null ? 0 : ((Number) v[k]).longValue();
      values.put(
          Engine.TYPE_NAMES[k],
          new Distribution.Value(n, total == 0 ? Double.NaN : (double) n / total));
    }
    return Metric.distribution(this, new Distribution(values, Engine.TYPE_NAMES.length));
  }
}
