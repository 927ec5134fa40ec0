package dev.lakeforge.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.config.Redactor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The metrics of one analysis, by analyzer, in the order they were added. */
public final class AnalysisResult {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The schema of {@link #successMetricsAsDataFrame}. */
  public static final StructType SCHEMA =
      new StructType()
          .add("entity", DataTypes.StringType, false)
          .add("instance", DataTypes.StringType, false)
          .add("name", DataTypes.StringType, false)
          .add("value", DataTypes.DoubleType, false);

  private final Map<Analyzer, Metric> metrics;

  AnalysisResult(Map<Analyzer, Metric> metrics) {
    this.metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  /**
   * The metric of an analyzer of this run.
   *
   * @throws QualityException when the analyzer was not part of the run
   */
  public Metric metric(Analyzer analyzer) {
    Metric m = metrics.get(analyzer);
    if (m == null) {
      throw new QualityException(
          analyzer.describe() + " was not computed in this analysis; add it with addAnalyzer");
    }
    return m;
  }

  public Collection<Metric> metrics() {
    return metrics.values();
  }

  /** Every successful metric, flattened as Deequ does (histogram bins, quantiles by key). */
  public List<MetricRecord> successMetrics() {
    List<MetricRecord> out = new ArrayList<>();
    metrics.values().forEach(m -> out.addAll(m.flatten()));
    return out;
  }

  /** The failed metrics with their reasons. */
  public Map<Analyzer, String> failures() {
    Map<Analyzer, String> out = new LinkedHashMap<>();
    metrics.forEach(
        (a, m) -> {
          if (!m.isSuccess()) {
            out.put(a, m.failure());
          }
        });
    return out;
  }

  /**
   * Deequ's {@code successMetricsAsJson}: {@code [{"entity", "instance", "name", "value"}, ...]}.
   */
  public String successMetricsAsJson() {
    try {
      return Redactor.global().redact(JSON.writeValueAsString(successMetrics()));
    } catch (JsonProcessingException e) {
      throw new QualityException("cannot write metrics as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The successful metrics as a DataFrame (works on Classic and over Spark Connect). */
  public Dataset<Row> successMetricsAsDataFrame(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (MetricRecord r : successMetrics()) {
      rows.add(RowFactory.create(r.entity(), r.instance(), r.name(), r.value()));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }
}
