package dev.lakeforge.quality;

import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.quality.suite.SuiteFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A quality suite read from a YAML or JSON file: checks with their constraints, and analyzers to
 * compute. Loading is strict: an unknown key, a wrong type or a malformed assertion fails with the
 * file, line, key path and the accepted values; so does a column the data does not have, before any
 * data is read.
 *
 * <pre>{@code
 * checks:
 *   - description: orders
 *     level: error
 *     constraints:
 *       - isComplete: order_id
 *       - isUnique: order_id
 *       - isContainedIn: {column: status, values: [NEW, PAID, SHIPPED]}
 *       - hasCompleteness: {column: amount, assertion: ">= 0.99", hint: "payments drop amounts"}
 *       - expect_column_values_to_be_between: {column: amount, min_value: 0, max_value: 10000}
 * analyzers:
 *   - size
 *   - approxQuantile: {column: amount, quantile: 0.5}
 * anomalies:                         # against the metrics repository's history
 *   - analyzer: size
 *     strategy: {relativeRateOfChange: {maxRateDecrease: 0.5, maxRateIncrease: 2.0}}
 *   - analyzer: {mean: amount}
 *     strategy: {rollingZScore: {window: 20, threshold: 3}}
 *     level: error                   # warning by default
 * }</pre>
 *
 * <pre>{@code
 * Suite suite = Suite.load(Path.of("orders.yaml"));
 * VerificationResult r = suite.verification(orders).run();
 * }</pre>
 */
public final class Suite {
  /**
   * An anomaly check of a suite: the analyzer's metric is judged by the strategy against its
   * history in a metrics repository.
   *
   * @param analyzer the metric
   * @param strategy how an anomaly is recognised
   * @param level the check's level (warning by default, as in Deequ)
   */
  public record Anomaly(Analyzer analyzer, AnomalyStrategy strategy, Check.Level level) {}

  private final Path file;
  private final String name;
  private final List<Check> checks;
  private final List<Analyzer> analyzers;
  private final List<Anomaly> anomalies;
  private final List<SuiteFiles.Entry> entries;
  private final Config config;

  private Suite(Path file, SuiteFiles.Read read) {
    this.file = file;
    this.name = read.name();
    this.checks = read.checks();
    this.analyzers = read.analyzers();
    this.anomalies = read.anomalies();
    this.entries = read.entries();
    this.config = read.config();
  }

  public Path file() {
    return file;
  }

  public String name() {
    return name;
  }

  public List<Check> checks() {
    return checks;
  }

  public List<Analyzer> analyzers() {
    return analyzers;
  }

  /** The anomaly checks; they need a metrics repository with the history. */
  public List<Anomaly> anomalies() {
    return anomalies;
  }

  /** The names a suite file accepts as constraints (Deequ's and Great Expectations' names). */
  public static Set<String> constraintNames() {
    return SuiteFiles.constraintNames();
  }

  /** The names a suite file accepts as analyzers. */
  public static Set<String> analyzerNames() {
    return SuiteFiles.analyzerNames();
  }

  /**
   * Reads and validates a suite file.
   *
   * @throws ConfigException naming file:line, key path and the accepted values
   */
  public static Suite load(Path file) {
    return new Suite(file, SuiteFiles.read(file));
  }

  /**
   * What in this suite does not fit the data: missing columns, predicates and filters that do not
   * analyse. Reads no data (analysis only), so it serves {@code --dry-run}.
   */
  public List<String> problems(Dataset<Row> data) {
    StructType schema = data.schema();
    List<String> fields = Arrays.asList(schema.fieldNames());
    List<String> out = new ArrayList<>();
    for (SuiteFiles.Entry e : entries) {
      for (String c : e.columns()) {
        if (Engine.field(schema, c) == null) {
          out.add(
              config
                  .errorAt(
                      e.path(),
                      "column '"
                          + c
                          + "' does not exist in the data"
                          + Config.suggest(c, fields)
                          + "; columns: "
                          + String.join(", ", fields))
                  .getMessage());
        }
      }
      for (Analyzer a : e.analyzers()) {
        String problem = Engine.typeProblem(a, schema);
        // a predicate is checked with the entry's own words below; the rest (a binning, a query, a
        // table) here
        if (problem == null && !(a instanceof Compliance)) {
          problem = Engine.dataProblem(a, data);
        }
        if (problem != null) {
          out.add(config.errorAt(e.path(), problem).getMessage());
        }
      }
      for (String p : e.predicates()) {
        String problem = Engine.predicateProblem(data, p);
        if (problem != null) {
          out.add(
              config
                  .errorAt(e.path(), "'" + p + "' does not work on the data: " + problem)
                  .getMessage());
        }
      }
    }
    return out;
  }

  /**
   * A verification of this suite on the data, after checking that every column exists. When the
   * suite has anomaly checks, give the verification a repository ({@code saveMetricsTo} or {@code
   * useRepository}).
   *
   * @throws ConfigException listing every column, predicate or filter that does not fit, with
   *     file:line
   */
  public Verification verification(Dataset<Row> data) {
    List<String> problems = problems(data);
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("\n", problems));
    }
    Verification v = Verification.onData(data).addChecks(checks).addAnalyzers(analyzers);
    anomalies.forEach(a -> v.addAnomalyCheck(a.strategy(), a.analyzer(), null, a.level()));
    return v;
  }

  @Override
  public String toString() {
    int n = checks.stream().mapToInt(c -> c.constraints().size()).sum();
    return "suite '"
        + name
        + "' ("
        + file
        + "): "
        + checks.size()
        + " check(s), "
        + n
        + " constraint(s), "
        + analyzers.size()
        + " analyzer(s)";
  }
}
