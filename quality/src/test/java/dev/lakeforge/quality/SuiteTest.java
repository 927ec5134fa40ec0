package dev.lakeforge.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.quality.suite.SuiteFiles;
import dev.lakeforge.testing.GeneratedDocs;
import dev.lakeforge.testing.SparkTest;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@SparkTest
class SuiteTest {
  @TempDir static Path dir;
  private static Dataset<Row> orders;

  @BeforeAll
  static void data(SparkSession spark) {
    orders =
        spark.sql(
            """
        SELECT * FROM VALUES
          (1, 'NEW',  10.0D, 'ada@example.com'),
          (2, 'PAID', 20.0D, 'bob@example.org'),
          (3, 'PAID', NULL,  'carol@example.net'),
          (4, 'LOST', 40.0D, 'nope')
        AS t(order_id, status, amount, email)""");
  }

  private static Path write(String name, String yaml) throws IOException {
    return Files.writeString(dir.resolve(name), yaml);
  }

  @Test
  void suiteFileRunsChecksAndAnalyzers() throws IOException {
    Path f =
        write(
            "orders.yaml",
            """
        name: orders
        checks:
          - description: orders basics
            level: error
            constraints:
              - isComplete: order_id
              - isUnique: order_id
              - hasSize: ">= 4"
              - isContainedIn: {column: status, values: [NEW, PAID, SHIPPED]}
              - hasCompleteness: {column: amount, assertion: {between: [0.7, 0.8]}, hint: payments drop amounts}
              - satisfies: {predicate: "amount >= 0", name: non-negative amount}
          - description: contact
            level: warning
            constraints:
              - containsEmail: {column: email, assertion: ">= 0.75"}
              - hasMean: {column: amount, assertion: "> 100", where: "status = 'PAID'"}
        analyzers:
          - size
          - completeness: email
          - approxQuantile: {column: amount, quantile: 0.5}
          - uniqueness: [status, email]
        """);
    Suite suite = Suite.load(f);
    assertThat(suite.name()).isEqualTo("orders");
    assertThat(suite.checks()).hasSize(2);
    assertThat(suite.analyzers()).hasSize(4);
    VerificationResult r = suite.verification(orders).run();
    assertThat(r.status()).isEqualTo(CheckStatus.ERROR);
    assertThat(r.checkResults().get(0).constraints())
        .extracting(ConstraintResult::passed)
        .containsExactly(true, true, true, false, true, false);
    assertThat(r.checkResults().get(1).constraints())
        .extracting(ConstraintResult::passed)
        .containsExactly(true, false);
    assertThat(r.checkResults().get(1).constraints().get(1).constraint().name())
        .isEqualTo("hasMean(amount) where status = 'PAID'");
    assertThat(r.metrics().metric(Analyzer.completeness("email")).value()).isEqualTo(1.0);
    assertThat(r.metrics().metric(Analyzer.uniqueness("status", "email")).value()).isEqualTo(1.0);
  }

  @Test
  void anomalyChecksJudgeAMetricAgainstItsHistoryInTheRepository() throws IOException {
    Path f =
        write(
            "anomalies.yaml",
            """
        anomalies:
          - analyzer: size
            strategy: {simpleThresholds: {lower: 0, upper: 3}}
            level: error
          - analyzer: {mean: amount}
            strategy: {relativeRateOfChange: {maxRateDecrease: 0.5, maxRateIncrease: 2.0}}
        """);
    Suite suite = Suite.load(f);
    assertThat(suite.anomalies())
        .extracting(Suite.Anomaly::level)
        .containsExactly(Check.Level.ERROR, Check.Level.WARNING);
    MetricsRepository repository =
        MetricsRepository.files(dir.resolve("anomaly-metrics").toString());
    // an earlier run with a mean amount of 10: today's mean of 23.3 is more than twice that
    repository.save(
        new ResultKey(1L, Map.of("table", "orders")),
        Analysis.onData(orders.where("order_id = 1")).addAnalyzer(Analyzer.mean("amount")).run());
    VerificationResult r =
        suite
            .verification(orders)
            .saveMetricsTo(repository, new ResultKey(2L, Map.of("table", "orders")))
            .run();
    assertThat(r.checkResults())
        .extracting(CheckResult::status)
        .containsExactly(CheckStatus.ERROR, CheckStatus.WARNING);
    assertThat(r.status()).isEqualTo(CheckStatus.ERROR);
    assertThat(repository.load(MetricsQuery.all())).hasSize(2);
  }

  @Test
  void everyDeequAnalyzerHasASuiteWordAndAConstraint(SparkSession spark) throws IOException {
    orders.createOrReplaceTempView("orders_copy");
    Path f =
        write(
            "deequ-set.yaml",
            """
        checks:
          - description: the rest of Deequ's vocabulary
            constraints:
              - hasColumnCount: "== 4"
              - hasColumn: status
              - hasVariance: {column: amount, assertion: "> 0"}
              - hasSkewness: {column: amount, assertion: "> 0"}
              - hasKurtosis: {column: amount, assertion: "< 0"}
              - hasZerosCount: {column: amount, assertion: "== 0"}
              - hasInterquartileRange: {column: amount, assertion: "== 15"}
              - hasExactQuantile: {column: amount, quantile: 0.5, assertion: "== 20"}
              - hasRatioOfSums: {numerator: amount, denominator: order_id, assertion: "== 7"}
              - hasDuplicateRowCount: {columns: [status], assertion: "== 2"}
              - hasDuplicateRowCount: "== 0"
              - hasKllQuantile: {column: amount, quantile: 0.5, assertion: "== 20"}
              - hasMinLength: {column: status, assertion: ">= 3", nulls: fail}
              - customSql: {query: "SELECT count(*) FROM orders_copy WHERE status = 'PAID'", assertion: "== 2"}
              - doesDatasetMatch: {table: orders_copy, keys: {order_id: order_id}, assertion: "== 1"}
        analyzers:
          - columnCount
          - columnExists: nope
          - duplicateRowCount
          - duplicateRowCount: [status]
          - variance: amount
          - skewness: amount
          - kurtosis: amount
          - zerosCount: amount
          - interquartileRange: amount
          - exactQuantile: {column: amount, quantile: 0.25}
          - ratioOfSums: {numerator: amount, denominator: order_id}
          - customSql: {query: "SELECT 42", name: answer}
          - datasetMatch: {table: orders_copy, keys: {order_id: order_id}, compare: {status: status}}
          - histogramBinned: {column: amount, binCount: 3}
          - histogram: {column: amount, binning: "floor(amount / 20)", sumOf: order_id}
          - maxLength: {column: email, nulls: emptyString}
          - kllSketch: {column: amount, buckets: 3, quantiles: [0.5]}
        """);
    Suite suite = Suite.load(f);
    VerificationResult r = suite.verification(orders).run();
    assertThat(r.checkResults().get(0).constraints())
        .allSatisfy(c -> assertThat(c.passed()).as(c.constraint().name()).isTrue());
    AnalysisResult metrics = r.metrics();
    assertThat(suite.analyzers())
        .allSatisfy(a -> assertThat(metrics.metric(a).failure()).as(a.describe()).isNull());
    assertThat(metrics.metric(Analyzer.columnExists("nope")).value()).isZero();
    assertThat(metrics.metric(new CustomSql("SELECT 42", "answer")).value()).isEqualTo(42);
    assertThat(metrics.metric(Analyzer.histogramBinned("amount", 3)).distribution().tail())
        .isEqualTo(1);
  }

  @Test
  void theNewWordsCheckTheirArgumentsWithLocatedErrors() throws IOException {
    Path bins =
        write(
            "bins.yaml",
            """
        analyzers:
          - histogramBinned: {column: amount, binCount: 3, edges: [0, 1]}
        """);
    assertThatThrownBy(() -> Suite.load(bins))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bins.yaml:2")
        .hasMessageContaining("exactly one of 'binCount'");
    Path sql =
        write(
            "sql.yaml",
            """
        analyzers:
          - customSql: {query: "DELETE FROM orders"}
        """);
    assertThatThrownBy(() -> Suite.load(sql))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sql.yaml:2")
        .hasMessageContaining("takes a query");
    Path nulls =
        write(
            "nulls.yaml",
            """
        analyzers:
          - minLength: {column: email, nulls: never}
        """);
    assertThatThrownBy(() -> Suite.load(nulls))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nulls.yaml:2")
        .hasMessageContaining("expected ignore, emptyString or fail");
    Path missing =
        write(
            "missing.yaml",
            """
        analyzers:
          - ratioOfSums: {numerator: amount, denominator: nope}
        """);
    assertThat(Suite.load(missing).problems(orders))
        .singleElement()
        .asString()
        .contains("missing.yaml:2")
        .contains("column 'nope' does not exist");
    Path sqlAndTable =
        write(
            "sql-and-table.yaml",
            """
        analyzers:
          - customSql: {query: "SELECT count(*) FROM no_such_view"}
          - datasetMatch: {table: no_such_table, keys: {order_id: order_id}}
        """);
    assertThat(Suite.load(sqlAndTable).problems(orders))
        .satisfiesExactly(
            p ->
                assertThat(p)
                    .contains("sql-and-table.yaml:2")
                    .contains("the query does not analyse")
                    .contains("no_such_view"),
            p -> assertThat(p).contains("sql-and-table.yaml:3").contains("no_such_table"));
  }

  @Test
  void theVocabularyInTheDocsIsGeneratedFromTheSuiteTable() throws IOException {
    String generated = SuiteFiles.vocabularyMarkdown();
    GeneratedDocs.assertCurrent(
        GeneratedDocs.page("quality.md"),
        SuiteFiles.VOCABULARY_BEGIN,
        SuiteFiles.VOCABULARY_END,
        generated,
        "mvn -pl quality test -Dtest=SuiteTest -Dlakeforge.regenerate=true");
    assertThat(generated).contains("| `hasExactQuantile` |").contains("| `histogramBinned` |");
  }

  @Test
  void theSuiteVocabularyAndTheFluentApiNameTheSameWords() {
    // every constraint method of Check is a suite word, and every suite word not borrowed from
    // Great Expectations is a Check method: a new method without its word fails here
    Set<String> methods =
        Arrays.stream(Check.class.getMethods())
            .filter(m -> !Modifier.isStatic(m.getModifiers()))
            .filter(m -> Check.class.isAssignableFrom(m.getReturnType()))
            .map(Method::getName)
            .collect(Collectors.toSet());
    Set<String> words =
        Suite.constraintNames().stream()
            .filter(w -> !w.startsWith("expect_"))
            .collect(Collectors.toSet());
    assertThat(words).containsExactlyInAnyOrderElementsOf(methods);
    // and every analyzer factory is an analyzer word, and the other way round
    Set<String> factories =
        Arrays.stream(Analyzer.class.getMethods())
            .filter(m -> Modifier.isStatic(m.getModifiers()))
            .filter(m -> Analyzer.class.isAssignableFrom(m.getReturnType()))
            .map(Method::getName)
            .collect(Collectors.toSet());
    assertThat(Suite.analyzerNames()).containsExactlyInAnyOrderElementsOf(factories);
  }

  @Test
  void entriesAreWrittenThroughTheVocabularySoTheyLoad() throws IOException {
    assertThat(SuiteFiles.entry("isComplete", Map.of("column", "order id")))
        .isEqualTo("isComplete: \"order id\"");
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("column", "status");
    args.put("values", List.of("NEW", "true"));
    String contained = SuiteFiles.entry("isContainedIn", args);
    assertThat(contained).isEqualTo("isContainedIn: {column: status, values: [NEW, \"true\"]}");
    assertThatThrownBy(() -> SuiteFiles.entry("isComplete", Map.of("colum", "x")))
        .hasMessageContaining("takes no key 'colum'");
    assertThatThrownBy(() -> SuiteFiles.entry("hasMean", Map.of("column", "x")))
        .hasMessageContaining("needs 'assertion'");
    assertThatThrownBy(() -> SuiteFiles.entry("isCompleet", Map.of()))
        .hasMessageContaining("unknown constraint");
    Path f =
        write(
            "written.yaml",
            "checks:\n  - description: written\n    constraints:\n      - " + contained + "\n");
    assertThat(Suite.load(f).checks().get(0).constraints().get(0).name())
        .startsWith("isContainedIn(status");
  }

  @Test
  void jsonSuitesWorkToo() throws IOException {
    Path f =
        write(
            "orders.json",
            """
        {"checks": [{"description": "ids", "constraints": [{"isComplete": "order_id"}, {"isUnique": {"column": "order_id"}}]}]}
        """);
    assertThat(Suite.load(f).verification(orders).run().status()).isEqualTo(CheckStatus.SUCCESS);
  }

  @Test
  void greatExpectationsNamesMapOntoTheSameConstraints() throws IOException {
    Path ge =
        write(
            "ge.yaml",
            """
        checks:
          - description: ge
            constraints:
              - expect_column_values_to_not_be_null: {column: amount, mostly: 0.75}
              - expect_column_values_to_be_unique: order_id
              - expect_column_values_to_be_in_set: {column: status, value_set: [NEW, PAID, LOST]}
              - expect_column_values_to_be_between: {column: amount, min_value: 10, max_value: 40}
              - expect_column_values_to_match_regex: {column: email, regex: "@", mostly: 0.75}
              - expect_table_row_count_to_be_between: {min_value: 1, max_value: 10}
              - expect_table_row_count_to_equal: {value: 4}
              - expect_column_mean_to_be_between: {column: amount, min_value: 20, max_value: 25}
              - expect_column_value_lengths_to_be_between: {column: status, min_value: 3, max_value: 4}
              - expect_column_value_lengths_to_be_between: {column: email, min_value: 1, max_value: 20, where: "order_id > 1", hint: short}
              - expect_compound_columns_to_be_unique: {column_list: [status, email]}
              - expect_column_pair_values_a_to_be_greater_than_b: {column_A: amount, column_B: order_id, where: amount IS NOT NULL}
              - expect_column_unique_value_count_to_be_between: {column: status, min_value: 3}
        """);
    VerificationResult r = Suite.load(ge).verification(orders).run();
    assertThat(r.checkResults().get(0).constraints())
        .allSatisfy(k -> assertThat(k.passed()).as(k.constraint().name()).isTrue());
    assertThat(r.checkResults().get(0).constraints())
        .extracting(k -> k.constraint().name())
        .contains(
            "hasCompleteness(amount)",
            "isUnique(order_id)",
            "isContainedIn(status, [NEW, PAID, LOST])",
            "isContainedIn(amount, [10, 40])",
            "hasMinLength(status)",
            "hasMaxLength(status)",
            "isPrimaryKey(status, email)",
            "isGreaterThan(amount, order_id) where amount IS NOT NULL",
            "hasMinLength(email) where order_id > 1",
            "hasMaxLength(email) where order_id > 1");
    Check deequ =
        Check.error("deequ")
            .hasCompleteness("amount", Assertion.atLeast(0.75))
            .isUnique("order_id");
    VerificationResult same = Verification.onData(orders).addCheck(deequ).run();
    assertThat(same.checkResults().get(0).constraints().get(0).metricValue())
        .isEqualTo(r.checkResults().get(0).constraints().get(0).metricValue());
  }

  @Test
  void unknownColumnAtRunTimeNamesFileLineAndColumns() throws IOException {
    Path f =
        write(
            "cols.yaml",
            """
        checks:
          - description: c
            constraints:
              - isComplete: order_id
              - isComplete: amout
              - satisfies: {predicate: "totl > 0"}
        """);
    Suite suite = Suite.load(f);
    assertThat(suite.problems(orders)).hasSize(2);
    assertThatThrownBy(() -> suite.verification(orders))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cols.yaml:5:")
        .hasMessageContaining("checks[0].constraints[1].isComplete")
        .hasMessageContaining("column 'amout' does not exist in the data (did you mean 'amount'?)")
        .hasMessageContaining("columns: order_id, status, amount, email")
        .hasMessageContaining("cols.yaml:6:")
        .hasMessageContaining("'totl > 0' does not work on the data");
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of(
            "checks: {a: 1}\n", "1:1", "checks", "expected a list of checks, got a mapping"),
        Arguments.of(
            "chekcs: []\n", "1:1", "chekcs", "unknown section 'chekcs' (did you mean 'checks'?)"),
        Arguments.of(
            "checks:\n  - constraints: [isComplete: a]\n",
            "2:5",
            "checks[0]",
            "needs 'description'"),
        Arguments.of(
            "checks:\n  - {description: d, constraints: [isComplete: a], levle: error}\n",
            "2:",
            "checks[0].levle",
            "unknown key 'levle' for a check (did you mean 'level'?)"),
        Arguments.of(
            "checks:\n  - {description: d, level: fatal, constraints: [isComplete: a]}\n",
            "2:",
            "checks[0].level",
            "expected error or warning, got 'fatal'"),
        Arguments.of(
            "checks:\n  - {description: d, constraints: []}\n",
            "2:",
            "checks[0].constraints",
            "expected a non-empty list of constraints"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - isCompleet: a\n",
            "4:",
            "checks[0].constraints[0].isCompleet",
            "unknown constraint 'isCompleet' (did you mean 'isComplete'?)"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - {isComplete: a, isUnique: a}\n",
            "4:",
            "checks[0].constraints[0]",
            "expected one constraint as a mapping with a single key"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - isComplete: {colum: a}\n",
            "4:",
            "checks[0].constraints[0].isComplete.colum",
            "unknown key 'colum' for isComplete (did you mean 'column'?); accepted keys: column, hint, where"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - hasCompleteness: {column: a}\n",
            "4:",
            "checks[0].constraints[0].hasCompleteness",
            "hasCompleteness needs 'assertion'"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - hasCompleteness: {column: a, assertion: \"about 0.9\"}\n",
            "4:",
            "hasCompleteness.assertion",
            "malformed assertion 'about 0.9'"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - hasCompleteness: {column: a, assertion: {between: [1]}}\n",
            "4:",
            "hasCompleteness.assertion",
            "between needs two numbers"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - hasCompleteness: {column: a, assertion: {roughly: 1}}\n",
            "4:",
            "hasCompleteness.assertion",
            "expected \">= 0.99\""),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - hasSize: {between: [5, 1]}\n",
            "4:",
            "hasSize",
            "between: lower bound 5 exceeds upper bound 1"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - isComplete: [a, b]\n",
            "4:",
            "checks[0].constraints[0].isComplete",
            "isComplete needs a column"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - isPrimaryKey: a\n",
            "4:",
            "checks[0].constraints[0].isPrimaryKey",
            "isPrimaryKey needs a list of columns"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - isLessThan: [a, b, c]\n",
            "4:",
            "isLessThan.columns",
            "isLessThan needs exactly two columns, got 3"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - isContainedIn: {column: s}\n",
            "4:",
            "isContainedIn",
            "needs 'values' (a list) or both 'lower' and 'upper'"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - isContainedIn: {column: s, values: NEW}\n",
            "4:",
            "isContainedIn.values",
            "expected a list, got the string 'NEW'"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - hasPattern: {column: s, pattern: \"([a-z\"}\n",
            "4:",
            "hasPattern.pattern",
            "invalid regex '([a-z'"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - hasApproxQuantile: {column: x, quantile: 1.5, assertion: 1}\n",
            "4:",
            "hasApproxQuantile",
            "quantile must lie in [0, 1], got 1.5"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - hasDataType: {column: x, type: decimal}\n",
            "4:",
            "hasDataType.type",
            "expected one of null, fractional, integral, boolean, string, numeric, got 'decimal'"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - expect_column_values_to_not_be_null: {column: a, mostly: 2}\n",
            "4:",
            "expect_column_values_to_not_be_null.mostly",
            "expected a fraction between 0 and 1, got 2.0"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - expect_column_values_to_be_between: {column: a}\n",
            "4:",
            "expect_column_values_to_be_between",
            "needs min_value, max_value or both"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - hasMin: {column: a, assertion: \">= x\"}\n",
            "4:",
            "hasMin.assertion",
            "malformed assertion '>= x'"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - satisfies: {predicate: \"a > 0\", nmae: pos}\n",
            "4:",
            "satisfies.nmae",
            "unknown key 'nmae' for satisfies (did you mean 'name'?); accepted keys: assertion, hint, name, predicate, where"),
        Arguments.of(
            "analyzers:\n  - approxQuantil: {column: a, quantile: 0.5}\n",
            "2:",
            "analyzers[0].approxQuantil",
            "unknown analyzer 'approxQuantil' (did you mean 'approxQuantile'?)"),
        Arguments.of(
            "analyzers:\n  - histogram: {column: a, maxBins: 0}\n",
            "2:",
            "histogram.maxBins",
            "expected a whole number of at least 1, got 0"),
        Arguments.of(
            "analyzers:\n  - approxQuantiles: {column: a, quantiles: [0.5, median]}\n",
            "2:",
            "approxQuantiles.quantiles[1]",
            "expected a number, got 'median'"),
        Arguments.of(
            "analyzers:\n  - kllSketch: {column: a, buckets: 2.5}\n",
            "2:",
            "kllSketch.buckets",
            "expected an integer, got '2.5'"),
        Arguments.of(
            "analyzers:\n  - histogramBinned: {column: a, edges: [1, x]}\n",
            "2:",
            "histogramBinned.edges[1]",
            "expected a number, got 'x'"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - hasColumn: {column: a, where: \"a > 1\"}\n",
            "4:",
            "hasColumn.where",
            "hasColumn takes no where filter"),
        Arguments.of(
            "name: empty\n", null, null, "the suite has no checks, analyzers or anomalies"),
        Arguments.of(
            "anomalies:\n  - analyzer: size\n    strategy: relativeRate\n",
            "3:",
            "anomalies[0].strategy",
            "unknown strategy 'relativeRate'; accepted: simpleThresholds, absoluteChange, relativeRateOfChange"),
        Arguments.of(
            "anomalies:\n  - analyzer: size\n    strategy: {rollingZScore: {window: 20}}\n",
            "3:",
            "anomalies[0].strategy.rollingZScore",
            "rollingZScore needs 'threshold'"),
        Arguments.of(
            "anomalies:\n  - analyzer: size\n    strategy: {rollingZScore: {window: 2.5, threshold: 3}}\n",
            "3:",
            "rollingZScore.window",
            "expected an integer, got '2.5'"),
        Arguments.of(
            "anomalies:\n  - analyzer: size\n    strategy: rollingZScore\n",
            "3:",
            "anomalies[0].strategy",
            "rollingZScore needs window and threshold"),
        Arguments.of(
            "anomalies:\n  - analyzer: size\n",
            "2:",
            "anomalies[0]",
            "an anomaly check needs 'strategy'"),
        Arguments.of(
            "anomalies:\n  - analyzer: mena\n    strategy: onlineNormal\n",
            "2:",
            "anomalies[0].analyzer",
            "unknown analyzer 'mena' (did you mean 'mean'?)"),
        Arguments.of(
            "anomalies:\n  - analyzer: size\n    strategy: onlineNormal\n    level: fatal\n",
            "4:",
            "anomalies[0].level",
            "expected error or warning, got 'fatal'"),
        Arguments.of(
            "checks:\n  - description: d\n    constraints:\n      - isComplete: a\n   bad indent: x\n",
            null,
            null,
            "invalid YAML"));
  }

  @ParameterizedTest(name = "[{index}] {3}")
  @MethodSource("malformed")
  void malformedSuitesFailWithLocatedMessages(
      String yaml, String line, String keyPath, String message) throws IOException {
    Path f = write("bad.yaml", yaml);
    assertThatThrownBy(() -> Suite.load(f))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e -> {
              assertThat(e.getMessage())
                  .startsWith(f.toString() + (line == null ? "" : ":" + line.split(":")[0] + ":"));
              if (line != null && line.contains(":") && !line.endsWith(":")) {
                assertThat(e.getMessage()).startsWith(f + ":" + line);
              }
              if (keyPath != null) {
                assertThat(e.getMessage()).contains(keyPath);
              }
              assertThat(e.getMessage()).contains(message);
            });
  }

  @Test
  void everyConstraintNameIsDocumentedInTheErrorForUnknownNames() {
    assertThat(Suite.constraintNames())
        .contains("isComplete", "hasDataType", "expect_column_values_to_be_in_set")
        .hasSizeGreaterThan(45);
  }
}
