package dev.lakeforge.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakeforge.core.config.Redactor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The outcome of a verification: overall status, each check and constraint, and the metrics.
 *
 * @param status SUCCESS, WARNING (a Warning check failed) or ERROR (an Error check failed)
 * @param checkResults per check, in order
 * @param metrics every metric computed
 */
public record VerificationResult(
    CheckStatus status, List<CheckResult> checkResults, AnalysisResult metrics) {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Deequ's checkResultsAsDataFrame columns. */
  public static final StructType CHECK_RESULTS_SCHEMA =
      new StructType()
          .add("check", DataTypes.StringType, false)
          .add("check_level", DataTypes.StringType, false)
          .add("check_status", DataTypes.StringType, false)
          .add("constraint", DataTypes.StringType, false)
          .add("constraint_status", DataTypes.StringType, false)
          .add("constraint_message", DataTypes.StringType, true)
          .add("metric_value", DataTypes.DoubleType, true);

  public VerificationResult {
    checkResults = List.copyOf(checkResults);
  }

  /** Whether an Error-level check failed. */
  public boolean hasErrors() {
    return status == CheckStatus.ERROR;
  }

  /**
   * The result as JSON: status, checks with their constraints, and the metrics in Deequ's shape.
   */
  public String toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("status", status.name());
    List<Object> checks = new ArrayList<>();
    for (CheckResult c : checkResults) {
      Map<String, Object> check = new LinkedHashMap<>();
      check.put("check", c.check().description());
      check.put("level", c.check().level().name());
      check.put("status", c.status().name());
      List<Object> constraints = new ArrayList<>();
      for (ConstraintResult k : c.constraints()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("constraint", k.constraint().name());
        m.put("requirement", k.constraint().requirement());
        m.put("status", k.status().name());
        m.put("metric", k.constraint().analyzer().describe());
        m.put("value", k.metricValue());
        m.put("message", k.message());
        constraints.add(m);
      }
      check.put("constraints", constraints);
      checks.add(check);
    }
    root.put("checks", checks);
    root.put("metrics", metrics.successMetrics());
    Map<String, String> failed = new LinkedHashMap<>();
    metrics.failures().forEach((a, why) -> failed.put(a.describe(), why));
    root.put("failedMetrics", failed);
    try {
      return Redactor.global().redact(JSON.writeValueAsString(root));
    } catch (JsonProcessingException e) {
      throw new QualityException(
          "cannot write the verification result as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A readable summary: one line per check and per failed constraint. */
  public String summary() {
    StringBuilder sb = new StringBuilder("Verification ").append(status).append('\n');
    for (CheckResult c : checkResults) {
      long failed = c.constraints().stream().filter(k -> !k.passed()).count();
      sb.append(
          String.format(
              Locale.ROOT,
              "  [%s] %s check '%s': %d of %d constraint(s) passed%n",
              c.status(),
              c.check().level(),
              c.check().description(),
              c.constraints().size() - failed,
              c.constraints().size()));
      for (ConstraintResult k : c.constraints()) {
        if (!k.passed()) {
          sb.append("      FAILED ")
              .append(k.constraint().name())
              .append(": ")
              .append(k.message())
              .append('\n');
        }
      }
    }
    return sb.toString();
  }

  /** One row per constraint (works on Classic and over Spark Connect). */
  public Dataset<Row> checkResultsAsDataFrame(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (CheckResult c : checkResults) {
      for (ConstraintResult k : c.constraints()) {
        rows.add(
            RowFactory.create(
                c.check().description(),
                c.check().level().name(),
                c.status().name(),
                k.constraint().name(),
                k.status().name(),
                k.message(),
                k.metricValue()));
      }
    }
    return spark.createDataFrame(rows, CHECK_RESULTS_SCHEMA);
  }
}
