package dev.lakeforge.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.quality.Analysis;
import dev.lakeforge.quality.Analyzer;
import dev.lakeforge.quality.ApproxQuantile;
import dev.lakeforge.quality.MetricRecord;
import dev.lakeforge.testing.ChildJvm;
import dev.lakeforge.testing.SparkTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lakeforge and Deequ 2.1.0 (Spark 3.5.7, its own JVM) compute the same analyzers on the edge cases
 * of {@code deequ-edge-cases.json}: empty data, filters that keep nothing, constants, decimals,
 * data types, quantiles, Unicode, nulls in pairs, odd names, predicates that raise. Every metric
 * must agree, or be listed there as a deliberate difference (which must still differ).
 */
@SparkTest
class DeequEdgeCasesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyMetricAgreesWithDeequOrIsADocumentedDeliberateDifference(
      SparkSession spark, @TempDir Path dir) throws Exception {
    Path spec = dir.resolve("deequ-edge-cases.json");
    try (InputStream in = DeequEdgeCasesTest.class.getResourceAsStream("/deequ-edge-cases.json")) {
      Files.copy(in, spec);
    }
    JsonNode cases = JSON.readTree(spec.toFile());
    Map<String, Double> ours = new TreeMap<>();
    for (JsonNode c : cases.get("cases")) {
      Dataset<Row> df = spark.sql(c.get("sql").asText());
      List<Analyzer> analyzers = new ArrayList<>();
      c.get("analyzers").forEach(a -> analyzers.add(analyzer(a)));
      for (MetricRecord m : Analysis.onData(df).addAnalyzers(analyzers).run().successMetrics()) {
        ours.put(key(c.get("name").asText(), m.entity(), m.instance(), m.name()), m.value());
      }
    }
    Map<String, Double> theirs = deequ(spec, dir.resolve("deequ.json"));
    Map<String, String> deliberate = new TreeMap<>();
    cases
        .get("deliberate")
        .fields()
        .forEachRemaining(e -> deliberate.put(e.getKey(), e.getValue().asText()));

    List<String> problems = new ArrayList<>();
    StringBuilder table = new StringBuilder();
    Set<String> keys = new TreeSet<>(ours.keySet());
    keys.addAll(theirs.keySet());
    for (String k : keys) {
      Double a = ours.get(k);
      Double b = theirs.get(k);
      boolean agree = a != null && b != null && agree(k, a, b);
      table.append(
          String.format(
              Locale.ROOT,
              "%-80s %20s %20s %s%n",
              k,
              a,
              b,
              agree
                  ? ""
                  : deliberate.containsKey(k) ? "deliberate: " + deliberate.get(k) : "DIFFERS"));
      if (!agree && !deliberate.containsKey(k)) {
        problems.add(
            k
                + ": Lakeforge "
                + (a == null ? "no metric" : a)
                + ", Deequ "
                + (b == null ? "no metric" : b));
      }
      if (agree && deliberate.containsKey(k)) {
        problems.add(
            k + " is listed as a deliberate difference but agrees now: take it off the list");
      }
    }
    for (String k : deliberate.keySet()) {
      if (!keys.contains(k)) {
        problems.add(k + " is listed as a deliberate difference but neither engine reports it");
      }
    }
    System.out.print(table);
    assertThat(problems)
        .as("differences from Deequ 2.1.0 that are not documented deliberate ones\n" + table)
        .isEmpty();
    assertThat(ours).as("the comparison covers every case").hasSizeGreaterThan(150);
  }

  private static boolean agree(String key, double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b)) {
      return Double.isNaN(a) && Double.isNaN(b);
    }
    if (key.endsWith("|ApproxCountDistinct")) {
      return Math.abs(a - b) <= 0.10 * Math.max(Math.abs(a), Math.abs(b));
    }
    double diff = Math.abs(a - b);
    return diff <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) || diff <= 1e-12;
  }

  /** Runs the same spec with Deequ in its own JVM, from the baseline module's jar and classpath. */
  private static Map<String, Double> deequ(Path spec, Path out) throws IOException {
    String classpath =
        DeequComparison.deequClasspath(
            Path.of(System.getProperty("user.dir")).resolve("deequ-baseline/target"));
    // A generous bound for a JVM starting Spark on a loaded machine; the run itself takes seconds.
    ChildJvm.Result r =
        ChildJvm.of(
                "dev.lakeforge.baseline.DeequEdgeCases", classpath, spec.toString(), out.toString())
            .run(Duration.ofMinutes(10));
    assertThat(r.exitCode()).as("the Deequ JVM's exit code\n" + r.output()).isZero();
    Map<String, Double> metrics = new TreeMap<>();
    JSON.readTree(out.toFile())
        .fields()
        .forEachRemaining(
            c ->
                c.getValue()
                    .forEach(
                        m ->
                            metrics.put(
                                key(
                                    c.getKey(),
                                    m.get("entity").asText(),
                                    m.get("instance").asText(),
                                    m.get("name").asText()),
                                Double.parseDouble(m.get("value").asText()))));
    return metrics;
  }

  /**
   * Quantile metrics are keyed by quantile in Lakeforge ({@code ApproxQuantile-0.5}), by name alone
   * in Deequ.
   */
  private static String key(String c, String entity, String instance, String name) {
    return c
        + "|"
        + entity
        + "|"
        + instance
        + "|"
        + name.replaceAll("^(ApproxQuantile|ExactQuantile)-[0-9.]+", "$1");
  }

  static Analyzer analyzer(JsonNode a) {
    String c = a.has("column") ? a.get("column").asText() : null;
    List<String> cols = new ArrayList<>();
    if (a.has("columns")) {
      a.get("columns").forEach(x -> cols.add(x.asText()));
    }
    String[] cs = cols.toArray(String[]::new);
    Analyzer made =
        switch (a.get("kind").asText()) {
          case "size" -> Analyzer.size();
          case "columnCount" -> Analyzer.columnCount();
          case "columnExists" -> Analyzer.columnExists(c);
          case "completeness" -> Analyzer.completeness(c);
          case "uniqueness" -> Analyzer.uniqueness(cs);
          case "distinctness" -> Analyzer.distinctness(cs);
          case "uniqueValueRatio" -> Analyzer.uniqueValueRatio(cs);
          case "countDistinct" -> Analyzer.countDistinct(cs);
          case "duplicateRowCount" -> Analyzer.duplicateRowCount(cs);
          case "approxCountDistinct" -> Analyzer.approxCountDistinct(c);
          case "minimum" -> Analyzer.minimum(c);
          case "maximum" -> Analyzer.maximum(c);
          case "mean" -> Analyzer.mean(c);
          case "sum" -> Analyzer.sum(c);
          case "standardDeviation" -> Analyzer.standardDeviation(c);
          case "variance" -> Analyzer.variance(c);
          case "skewness" -> Analyzer.skewness(c);
          case "kurtosis" -> Analyzer.kurtosis(c);
          case "zerosCount" -> Analyzer.zerosCount(c);
          case "ratioOfSums" -> Analyzer.ratioOfSums(cs[0], cs[1]);
          case "approxQuantile" ->
              new ApproxQuantile(c, a.get("q").asDouble(), a.path("error").asDouble(0.01), null);
          case "exactQuantile" -> Analyzer.exactQuantile(c, a.get("q").asDouble());
          case "interquartileRange" -> Analyzer.interquartileRange(c);
          case "minLength" -> Analyzer.minLength(c);
          case "maxLength" -> Analyzer.maxLength(c);
          case "compliance" ->
              Analyzer.compliance(a.get("name").asText(), a.get("predicate").asText());
          case "patternMatch" -> Analyzer.patternMatch(c, a.get("pattern").asText());
          case "entropy" -> Analyzer.entropy(c);
          case "mutualInformation" -> Analyzer.mutualInformation(cs[0], cs[1]);
          case "correlation" -> Analyzer.correlation(cs[0], cs[1]);
          case "histogram" ->
              Analyzer.histogram(c).withMaxDetailBins(a.path("maxDetailBins").asInt(1000));
          case "dataType" -> Analyzer.dataType(c);
          default -> throw new IllegalArgumentException("unknown analyzer kind " + a.get("kind"));
        };
    return a.has("where") ? made.where(a.get("where").asText()) : made;
  }
}
