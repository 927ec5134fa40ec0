package dev.lakeforge.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each constraint passes where it should and fails where it should, on one small data set. */
@SparkTest
class CheckTest {
  private static Dataset<Row> df;

  @BeforeAll
  static void data(SparkSession spark) {
    df =
        spark.sql(
            """
        SELECT * FROM VALUES
          (1, 'NEW',     10.0D, 'ada@example.com',  'https://example.com/a', '4111 1111 1111 1111', '12', 5,  8),
          (2, 'PAID',    20.0D, 'bob@example.org',  'http://example.org',    '5500-0000-0000-0004', '7',  6,  9),
          (3, 'PAID',    30.0D, 'not-an-email',     'ftp://files.example',   '1234',                '9',  7,  7),
          (4, 'SHIPPED', NULL,  'eve@example.net',  'no url',                NULL,                  'x',  8,  9)
        AS t(id, status, amount, email, url, card, code, lo, hi)""");
  }

  private static ConstraintResult only(UnaryOperator<Check> constraint) {
    Check c = constraint.apply(Check.error("c"));
    VerificationResult r = Verification.onData(df).addCheck(c).run();
    return r.checkResults().get(0).constraints().get(0);
  }

  private static void passes(UnaryOperator<Check> constraint) {
    ConstraintResult r = only(constraint);
    assertThat(r.passed()).as(r.constraint() + ": " + r.message()).isTrue();
  }

  private static void fails(UnaryOperator<Check> constraint) {
    ConstraintResult r = only(constraint);
    assertThat(r.passed()).as(r.constraint() + " should fail").isFalse();
    assertThat(r.message()).isNotBlank();
  }

  @Test
  void sizeAndCompleteness() {
    passes(c -> c.hasSize(n -> n == 4));
    fails(c -> c.hasSize(n -> n > 4));
    passes(c -> c.isComplete("id"));
    fails(c -> c.isComplete("amount"));
    passes(c -> c.hasCompleteness("amount", x -> x >= 0.75));
    fails(c -> c.hasCompleteness("amount", x -> x > 0.75));
  }

  @Test
  void uniquenessAndDistinctValues() {
    passes(c -> c.isUnique("id"));
    fails(c -> c.isUnique("status"));
    passes(c -> c.isPrimaryKey("status", "id"));
    fails(c -> c.isPrimaryKey("status", "code").where("status = 'PAID' AND id < 0"));
    passes(c -> c.hasUniqueness(List.of("status"), u -> u == 0.5));
    passes(c -> c.hasDistinctness(List.of("status"), d -> d == 0.75));
    fails(c -> c.hasDistinctness(List.of("status"), d -> d == 1));
    passes(c -> c.hasUniqueValueRatio(List.of("status"), r -> Math.abs(r - 2.0 / 3) < 1e-12));
    passes(c -> c.hasNumberOfDistinctValues("status", n -> n == 3));
    fails(c -> c.hasNumberOfDistinctValues("status", n -> n == 4));
    passes(c -> c.hasApproxCountDistinct("id", n -> n == 4));
    passes(
        c ->
            c.hasHistogramValues("status", h -> h.absolute("PAID") == 2 && h.ratio("NEW") == 0.25));
    fails(c -> c.hasHistogramValues("status", h -> h.absolute("PAID") == 3));
    passes(c -> c.hasEntropy("status", e -> e > 1.0 && e < 1.1));
    fails(c -> c.hasEntropy("status", e -> e > 2));
    passes(c -> c.hasMutualInformation("id", "status", mi -> mi > 0));
    fails(c -> c.hasMutualInformation("id", "status", mi -> mi == 0));
  }

  @Test
  void statistics() {
    passes(c -> c.hasMin("amount", Assertion.equalTo(10)));
    fails(c -> c.hasMin("amount", m -> m > 10));
    passes(c -> c.hasMax("amount", m -> m == 30));
    fails(c -> c.hasMax("amount", Assertion.lessThan(30)));
    passes(c -> c.hasMean("amount", m -> m == 20));
    fails(c -> c.hasMean("amount", m -> m > 20));
    passes(c -> c.hasSum("amount", s -> s == 60));
    fails(c -> c.hasSum("amount", s -> s == 61));
    passes(c -> c.hasStandardDeviation("amount", s -> Math.abs(s - Math.sqrt(200.0 / 3)) < 1e-9));
    fails(c -> c.hasStandardDeviation("amount", s -> s == 0));
    passes(c -> c.hasApproxQuantile("amount", 0.5, q -> q == 20));
    fails(c -> c.hasApproxQuantile("amount", 0.5, q -> q == 30));
    passes(c -> c.hasCorrelation("lo", "id", r -> Math.abs(r - 1) < 1e-12));
    fails(c -> c.hasCorrelation("hi", "id", r -> r > 0.5));
    passes(c -> c.hasMinLength("code", Assertion.atLeast(1)));
    fails(c -> c.hasMinLength("code", Assertion.atLeast(2)));
    passes(c -> c.hasMaxLength("status", l -> l == 7));
    fails(c -> c.hasMaxLength("status", Assertion.atMost(4)));
  }

  @Test
  void predicatesPatternsAndRanges() {
    passes(c -> c.satisfies("id > 0", "positive id", f -> f == 1));
    fails(
        c ->
            c.satisfies(
                "amount > 10", "big", f -> f >= 0.75)); // null amount is not compliant: 2 / 4
    passes(c -> c.satisfies("amount > 10", "big", f -> f == 0.5));
    passes(c -> c.hasPattern("code", "^[0-9]+$", f -> f == 0.75));
    fails(c -> c.hasPattern("code", "^[0-9]+$"));
    passes(c -> c.containsEmail("email", f -> f == 0.75));
    fails(c -> c.containsEmail("email"));
    passes(c -> c.containsURL("url", f -> f == 0.75));
    fails(c -> c.containsURL("url"));
    passes(c -> c.containsCreditCardNumber("card", f -> f == 0.5));
    fails(c -> c.containsCreditCardNumber("card"));
    passes(c -> c.isNonNegative("amount"));
    passes(c -> c.isNonNegative("amount").where("id > 0").hint("amounts are never negative"));
    fails(c -> c.satisfies("lo - 6 >= 0", "lo at least 6", f -> f == 1));
    passes(c -> c.isPositive("lo"));
    passes(c -> c.isLessThan("lo", "hi").where("id <> 3"));
    fails(c -> c.isLessThan("lo", "hi"));
    passes(c -> c.isLessThanOrEqualTo("lo", "hi"));
    passes(c -> c.isGreaterThan("hi", "id"));
    fails(c -> c.isGreaterThan("id", "hi"));
    passes(c -> c.isGreaterThanOrEqualTo("hi", "lo"));
    passes(c -> c.isContainedIn("status", "NEW", "PAID", "SHIPPED", "CANCELLED"));
    fails(c -> c.isContainedIn("status", "NEW", "PAID"));
    passes(c -> c.isContainedIn("status", List.of("NEW", "PAID"), f -> f == 0.75));
    passes(c -> c.isContainedIn("amount", 10, 30, true, true));
    fails(c -> c.isContainedIn("amount", 10, 30, false, true));
    passes(c -> c.hasDataType("code", Check.DataTypes.INTEGRAL, f -> f == 0.75));
    passes(c -> c.hasDataType("code", Check.DataTypes.NUMERIC, f -> f == 0.75));
    fails(c -> c.hasDataType("code", Check.DataTypes.INTEGRAL, f -> f == 1));
  }

  @Test
  void failureMessageNamesValueRequirementAndHint() {
    ConstraintResult r =
        only(
            c ->
                c.hasCompleteness("amount", Assertion.atLeast(0.99)).hint("payments drop amounts"));
    assertThat(r.message())
        .isEqualTo(
            "Value: 0.75 does not meet the constraint requirement (>= 0.99)! payments drop amounts");
    assertThat(r.metricValue()).isEqualTo(0.75);
    ConstraintResult missing = only(c -> c.isComplete("nope"));
    assertThat(missing.passed()).isFalse();
    assertThat(missing.message()).startsWith("column 'nope' does not exist");
  }

  @Test
  void levelsDecideTheOverallStatusAndSharedMetricsAreComputedOnce() {
    Check error = Check.error("must").isComplete("id").isUnique("id");
    Check warning =
        Check.warning("should").isComplete("amount").hasCompleteness("amount", c -> c > 0.5);
    VerificationResult r = Verification.onData(df).addCheck(error).addCheck(warning).run();
    assertThat(r.status()).isEqualTo(CheckStatus.WARNING);
    assertThat(r.checkResults())
        .extracting(CheckResult::status)
        .containsExactly(CheckStatus.SUCCESS, CheckStatus.WARNING);
    assertThat(r.metrics().metrics())
        .hasSize(3); // Completeness(amount) is shared by two constraints
    VerificationResult bad =
        Verification.onData(df)
            .addCheck(Check.error("bad").isComplete("amount"))
            .addCheck(warning)
            .run();
    assertThat(bad.status()).isEqualTo(CheckStatus.ERROR);
    assertThat(bad.hasErrors()).isTrue();
    assertThat(bad.summary())
        .contains("[ERROR] ERROR check 'bad': 0 of 1 constraint(s) passed")
        .contains("FAILED isComplete(amount): Value: 0.75");
    assertThat(bad.toJson())
        .contains("\"status\" : \"ERROR\"")
        .contains("\"constraint\" : \"isComplete(amount)\"");
  }

  @Test
  void rowLevelReasonsAreRightPerRow() {
    Check c =
        Check.error("orders")
            .isComplete("amount")
            .isUnique("status")
            .isContainedIn("status", "NEW", "PAID")
            .containsEmail("email")
            .satisfies("lo < hi", "lo below hi", f -> f == 1)
            .hasMaxLength("code", Assertion.atMost(1))
            .hasMean("amount", m -> m > 0);
    Verification v = Verification.onData(df).addCheck(c);
    assertThat(v.rowLevelConstraints()).hasSize(6);
    Map<Integer, List<String>> reasons = new TreeMap<>();
    for (Row r : v.annotate().select("id", Verification.REASONS).collectAsList()) {
      reasons.put(r.getInt(0), r.getList(1));
    }
    assertThat(reasons.get(1))
        .containsExactly("orders: hasMaxLength(code)"); // '12' is longer than 1
    assertThat(reasons.get(2)).containsExactly("orders: isUnique(status)");
    assertThat(reasons.get(3))
        .containsExactlyInAnyOrder(
            "orders: isUnique(status)", "orders: containsEmail(email)", "orders: lo below hi");
    assertThat(reasons.get(4))
        .containsExactlyInAnyOrder(
            "orders: isComplete(amount)", "orders: isContainedIn(status, [NEW, PAID])");
  }

  @Test
  void annotationKeepsTheDataColumnsEvenOnesNamedLikeItsOwnAndListsReasonsInCheckOrder(
      SparkSession spark) {
    Dataset<Row> rows =
        spark.sql(
            "SELECT * FROM VALUES (1, 'a', 5), (2, NULL, -1), (3, 'b', NULL)"
                + " AS t(id, _DQ_RULE_0, _dq_rule_1)");
    Check c =
        Check.error("odd")
            .isComplete("_DQ_RULE_0")
            .isNonNegative("_dq_rule_1")
            .isComplete("_dq_rule_1");
    Dataset<Row> annotated = Verification.onData(rows).addCheck(c).annotate();
    assertThat(annotated.columns())
        .containsExactly("id", "_DQ_RULE_0", "_dq_rule_1", Verification.REASONS);
    Map<Integer, Row> byId = new TreeMap<>();
    annotated.collectAsList().forEach(r -> byId.put(r.getInt(0), r));
    assertThat(byId.get(1).getList(3)).isEmpty();
    assertThat(byId.get(2).getString(1)).isNull();
    assertThat(byId.get(2).getInt(2)).isEqualTo(-1);
    assertThat(byId.get(2).<String>getList(3))
        .containsExactly("odd: isComplete(_DQ_RULE_0)", "odd: isNonNegative(_dq_rule_1)");
    assertThat(byId.get(3).<String>getList(3)).containsExactly("odd: isComplete(_dq_rule_1)");
  }

  @Test
  void aRowOnWhichAPredicateRaisesBreaksItAndItsReasonSaysSo(SparkSession spark) {
    Dataset<Row> rows =
        spark.sql("SELECT * FROM VALUES (1, 2), (2, 0), (3, NULL), (4, -1) AS t(id, d)");
    Check c = Check.error("ratios").satisfies("10 / d > 0", "positive ratio", f -> f == 1);
    Verification v = Verification.onData(rows).addCheck(c);
    Map<Integer, List<String>> reasons = new TreeMap<>();
    for (Row r : v.annotate().select("id", Verification.REASONS).collectAsList()) {
      reasons.put(r.getInt(0), r.getList(1));
    }
    assertThat(reasons.get(1)).isEmpty();
    assertThat(reasons.get(2)).containsExactly("ratios: positive ratio" + Verification.RAISED);
    assertThat(reasons.get(3)).as("null, not an error").containsExactly("ratios: positive ratio");
    assertThat(reasons.get(4)).containsExactly("ratios: positive ratio");
    VerificationResult r = v.run();
    Metric m = r.metrics().metric(c.constraints().get(0).analyzer());
    assertThat(m.value()).isEqualTo(0.25);
    assertThat(m.erroredRows()).isEqualTo(1);
    assertThat(v.split().bad().count()).isEqualTo(3);
    assertThat(spark.conf().get("spark.sql.ansi.enabled")).isEqualTo("true");
  }

  @Test
  void verificationsInParallelThreadsNeverChangeTheSessionsAnsiSetting(SparkSession spark)
      throws Exception {
    Dataset<Row> rows =
        spark.sql("SELECT * FROM VALUES (1, 2), (2, 0), (3, NULL), (4, -1) AS t(id, d)");
    Check c = Check.error("ratios").satisfies("10 / d > 0", "positive ratio", f -> f == 1);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Long>> runs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        runs.add(
            pool.submit(
                () -> {
                  Verification v = Verification.onData(rows).addCheck(c);
                  long quarantined = v.split().bad().count();
                  return v.run().metrics().metric(c.constraints().get(0).analyzer()).erroredRows()
                          * 10
                      + quarantined;
                }));
      }
      Set<String> seen = new HashSet<>();
      while (runs.stream().anyMatch(f -> !f.isDone())) {
        seen.add(spark.conf().get("spark.sql.ansi.enabled"));
      }
      for (Future<Long> f : runs) {
        assertThat(f.get()).as("1 errored row, 3 quarantined").isEqualTo(13);
      }
      assertThat(seen).as("what other threads of the session saw meanwhile").containsOnly("true");
      assertThat(spark.conf().get("spark.sql.ansi.enabled")).isEqualTo("true");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void splitKeepsEveryRowOnceAndQuarantines(SparkSession spark, TestWarehouse w) {
    Check c = Check.error("orders").isComplete("amount").containsEmail("email");
    Split s = Verification.onData(df).addCheck(c).split();
    assertThat(s.good().count() + s.bad().count()).isEqualTo(df.count());
    assertThat(s.good().columns()).doesNotContain(Verification.REASONS);
    Split.Counts n = s.write(w.resolve("good").toString(), w.resolve("bad").toString(), "parquet");
    assertThat(n).isEqualTo(new Split.Counts(2, 2));
    Dataset<Row> quarantined = spark.read().parquet(w.resolve("bad").toString());
    assertThat(quarantined.count()).isEqualTo(2);
    assertThat(
            quarantined
                .where("array_contains(" + Verification.REASONS + ", 'orders: isComplete(amount)')")
                .count())
        .isEqualTo(1);
    assertThat(spark.read().parquet(w.resolve("good").toString()).count()).isEqualTo(2);
  }

  @Test
  void checkResultsAsDataFrame(SparkSession spark) {
    VerificationResult r =
        Verification.onData(df)
            .addCheck(Check.error("o").isComplete("id").isComplete("amount"))
            .run();
    Dataset<Row> rows = r.checkResultsAsDataFrame(spark);
    assertThat(rows.count()).isEqualTo(2);
    assertThat(rows.where("constraint_status = 'FAILURE'").first().getString(3))
        .isEqualTo("isComplete(amount)");
  }
}
