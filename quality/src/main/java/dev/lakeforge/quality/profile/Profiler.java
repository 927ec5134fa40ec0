package dev.lakeforge.quality.profile;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import dev.lakeforge.core.Frames;
import dev.lakeforge.quality.Analysis;
import dev.lakeforge.quality.AnalysisResult;
import dev.lakeforge.quality.Analyzer;
import dev.lakeforge.quality.ColumnProfile;
import dev.lakeforge.quality.Histogram;
import dev.lakeforge.quality.Metric;
import dev.lakeforge.quality.Profile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;

/**
 * The two passes behind {@link dev.lakeforge.quality.ColumnProfiler}. Internal: use {@code
 * ColumnProfiler.onData(data).run()}; this class is public only so that it can reach it.
 */
public final class Profiler {
  private Profiler() {}

  /**
   * The profile of every column of the data; columns with at most {@code lowCardinality}
   * (approximate) distinct values get a histogram.
   */
  public static Profile run(Dataset<Row> data, int lowCardinality) {
    Analysis pass1 = Analysis.onData(data).addAnalyzer(Analyzer.size());
    List<StructField> fields = List.of(data.schema().fields());
    for (StructField f : fields) {
      String c = f.name();
      pass1.addAnalyzer(Analyzer.completeness(c)).addAnalyzer(Analyzer.approxCountDistinct(c));
      if (f.dataType() instanceof NumericType) {
        pass1
            .addAnalyzer(Analyzer.minimum(c))
            .addAnalyzer(Analyzer.maximum(c))
            .addAnalyzer(Analyzer.mean(c))
            .addAnalyzer(Analyzer.standardDeviation(c))
            .addAnalyzer(Analyzer.sum(c))
            .addAnalyzer(Analyzer.approxQuantiles(c, 0.25, 0.5, 0.75));
      } else if (f.dataType() instanceof StringType) {
        pass1
            .addAnalyzer(Analyzer.dataType(c))
            .addAnalyzer(Analyzer.minLength(c))
            .addAnalyzer(Analyzer.maxLength(c));
      }
    }
    AnalysisResult r = pass1.run();
    long rows = (long) r.metric(Analyzer.size()).doubleValue();

    List<String> lowCard = new ArrayList<>();
    for (StructField f : fields) {
      Metric d = r.metric(Analyzer.approxCountDistinct(f.name()));
      boolean simple =
          f.dataType() instanceof StringType
              || f.dataType() instanceof NumericType
              || f.dataType() instanceof BooleanType;
      if (simple && d.isSuccess() && d.value() <= lowCardinality && rows > 0) {
        lowCard.add(f.name());
      }
    }
    Map<String, Map<String, Long>> histograms = histograms(data, lowCard);

    List<ColumnProfile> out = new ArrayList<>();
    for (StructField f : fields) {
      String c = f.name();
      Map<String, Long> typeCounts = null;
      String inferred = kind(f);
      if (f.dataType() instanceof StringType) {
        Metric dt = r.metric(Analyzer.dataType(c));
        if (dt.isSuccess()) {
          typeCounts = new LinkedHashMap<>();
          long best = -1;
          for (String t : dt.distribution().values().keySet()) {
            long n = dt.distribution().absolute(t);
            typeCounts.put(t, n);
            if (!t.equals("Unknown") && n > best) {
              best = n;
              inferred = t;
            }
          }
        }
      }
      Map<String, Double> quantiles = null;
      if (f.dataType() instanceof NumericType) {
        Metric q = r.metric(Analyzer.approxQuantiles(c, 0.25, 0.5, 0.75));
        quantiles = q.isSuccess() ? new TreeMap<>(q.keyed()) : null;
      }
      out.add(
          new ColumnProfile(
              c,
              f.dataType().simpleString(),
              value(r, Analyzer.completeness(c), 0.0),
              (long) (double) value(r, Analyzer.approxCountDistinct(c), 0.0),
              inferred,
              typeCounts,
              numeric(r, f, Analyzer.minimum(c)),
              numeric(r, f, Analyzer.maximum(c)),
              numeric(r, f, Analyzer.mean(c)),
              numeric(r, f, Analyzer.standardDeviation(c)),
              numeric(r, f, Analyzer.sum(c)),
              quantiles,
              string(r, f, Analyzer.minLength(c)),
              string(r, f, Analyzer.maxLength(c)),
              histograms.get(c)));
    }
    return new Profile(rows, out);
  }

  /** One job: every low-cardinality column's values as (column, value) pairs, counted. */
  private static Map<String, Map<String, Long>> histograms(
      Dataset<Row> data, List<String> columns) {
    Map<String, Map<String, Long>> out = new HashMap<>();
    if (columns.isEmpty()) {
      return out;
    }
    Column[] pairs =
        columns.stream()
            .map(
                c ->
                    struct(
                        lit(c).as("column"),
                        coalesce(col(Frames.quoted(c)).cast("string"), lit(Histogram.NULL_VALUE))
                            .as("value")))
            .toArray(Column[]::new);
    List<Row> counts =
        data.select(explode(array(pairs)).as("kv"))
            .groupBy(col("kv.column"), col("kv.value"))
            .agg(count(lit(1)).as("n"))
            .collectAsList();
    for (Row row : counts) {
      out.computeIfAbsent(row.getString(0), k -> new TreeMap<>())
          .put(row.getString(1), row.getLong(2));
    }
    return out;
  }

  private static String kind(StructField f) {
    if (f.dataType() instanceof FloatType
        || f.dataType() instanceof DoubleType
        || f.dataType() instanceof DecimalType) {
      return "Fractional";
    }
    if (f.dataType() instanceof NumericType) {
      return "Integral";
    }
    if (f.dataType() instanceof BooleanType) {
      return "Boolean";
    }
    return f.dataType() instanceof StringType ? "String" : f.dataType().typeName();
  }

  private static Double value(AnalysisResult r, Analyzer a, Double fallback) {
    Metric m = r.metric(a);
    return m.isSuccess() ? m.value() : fallback;
  }

  private static Double numeric(AnalysisResult r, StructField f, Analyzer a) {
    return f.dataType() instanceof NumericType ? value(r, a, null) : null;
  }

  private static Double string(AnalysisResult r, StructField f, Analyzer a) {
    return f.dataType() instanceof StringType ? value(r, a, null) : null;
  }
}
