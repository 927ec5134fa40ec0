package dev.lakeforge.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lakeforge.testing.SparkTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The analyzers Deequ has beyond the first set, each on small data computed by hand, on no rows and
 * filtered.
 */
@SparkTest
class DeequAnalyzerSetTest {
  private static Dataset<Row> orders;

  @BeforeAll
  static void data(SparkSession spark) {
    orders = TestOrders.of(spark);
  }

  private static Metric metric(Dataset<Row> df, Analyzer a) {
    return Analysis.onData(df).addAnalyzer(a).run().metric(a);
  }

  private static double value(Dataset<Row> df, Analyzer a) {
    Metric m = metric(df, a);
    assertThat(m.failure()).as(a.describe()).isNull();
    return m.value();
  }

  @Test
  void momentsQuantilesRatiosAndCountsMatchHandComputedValues(SparkSession spark) {
    // amount: 10, 20, 30, 40 (one null); deviations from 25: -15, -5, 5, 15
    List<Analyzer> all =
        List.of(
            Analyzer.variance("amount"),
            Analyzer.skewness("amount"),
            Analyzer.kurtosis("amount"),
            Analyzer.exactQuantile("amount", 0.5),
            Analyzer.interquartileRange("amount"),
            Analyzer.ratioOfSums("amount", "id"),
            Analyzer.zerosCount("id"),
            Analyzer.columnCount(),
            Analyzer.columnExists("name"),
            Analyzer.columnExists("nope"),
            Analyzer.duplicateRowCount("id"),
            Analyzer.duplicateRowCount(),
            Analyzer.size());
    AnalysisResult r = Analysis.onData(orders).addAnalyzers(all).run();
    double kurtosis = 4 * (2 * Math.pow(15, 4) + 2 * Math.pow(5, 4)) / Math.pow(500, 2) - 3;
    double[] expected = {125, 0, kurtosis, 25, 32.5 - 17.5, 100.0 / 14, 0, 4, 1, 0, 2, 0, 5};
    for (int i = 0; i < all.size(); i++) {
      assertThat(r.metric(all.get(i)).value())
          .as(all.get(i).describe())
          .isCloseTo(expected[i], within(1e-9));
    }
    Dataset<Row> zeros = spark.sql("SELECT * FROM VALUES (0), (0.0), (NULL), (-0.0), (3) AS t(x)");
    assertThat(value(zeros, Analyzer.zerosCount("x"))).isEqualTo(3);
  }

  @Test
  void aConstantColumnHasNoSkewOrExcessKurtosisAsInDeequ(SparkSession spark) {
    Dataset<Row> df = spark.sql("SELECT * FROM VALUES (7.0D), (7.0D), (7.0D) AS t(x)");
    assertThat(value(df, Analyzer.skewness("x"))).isZero();
    assertThat(value(df, Analyzer.kurtosis("x"))).isZero();
    assertThat(value(df, Analyzer.variance("x"))).isZero();
    assertThat(value(df, Analyzer.interquartileRange("x"))).isZero();
  }

  @Test
  void onNoRowsAndUnderAFilterThatKeepsNoneEveryNewAnalyzerFailsOrCountsZeroAsDeequDoes() {
    List<Analyzer> failing =
        List.of(
            Analyzer.variance("amount"),
            Analyzer.skewness("amount"),
            Analyzer.kurtosis("amount"),
            Analyzer.exactQuantile("amount", 0.5),
            Analyzer.interquartileRange("amount"),
            Analyzer.ratioOfSums("amount", "id"));
    // as in Deequ, zeros fail on no data but count 0 under a filter that keeps nothing
    assertThat(metric(orders.limit(0), Analyzer.zerosCount("id")).failure()).contains("no rows");
    assertThat(value(orders, Analyzer.zerosCount("id").where("id > 100"))).isZero();
    for (Dataset<Row> none : List.of(orders.limit(0), orders)) {
      String filter = none == orders ? "id > 100" : null;
      for (Analyzer a : failing) {
        Analyzer scoped = filter == null ? a : a.where(filter);
        assertThat(metric(none, scoped).failure()).as(scoped.describe()).contains("no rows");
      }
      Analyzer dup =
          filter == null
              ? Analyzer.duplicateRowCount("id")
              : Analyzer.duplicateRowCount("id").where(filter);
      assertThat(value(none, dup)).isZero();
      Analyzer binned =
          filter == null
              ? Analyzer.histogramBinned("amount", 3)
              : Analyzer.histogramBinned("amount", 3).where(filter);
      assertThat(metric(none, binned).distribution().values()).isEmpty();
    }
    assertThat(value(orders.limit(0), Analyzer.columnCount())).isEqualTo(4);
  }

  @Test
  void filtersApplyToTheNewAnalyzersAndSchemaAnalyzersRefuseThem() {
    assertThat(value(orders, Analyzer.variance("amount").where("status = 'PAID'"))).isEqualTo(25);
    assertThat(value(orders, Analyzer.duplicateRowCount("id").where("id < 4"))).isZero();
    assertThat(value(orders, Analyzer.ratioOfSums("amount", "id").where("id <= 2"))).isEqualTo(10);
    assertThatThrownBy(() -> Analyzer.columnCount().where("id > 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ColumnCount takes no where filter");
    assertThat(metric(orders, Analyzer.kurtosis("name")).failure())
        .isEqualTo("Kurtosis needs a numeric column, but 'name' is string");
  }

  @Test
  void minAndMaxLengthTreatNullsAsTheyAreTold() {
    assertThat(value(orders, Analyzer.minLength("name"))).isEqualTo(3);
    assertThat(
            value(orders, Analyzer.minLength("name").withNulls(Analyzer.NullBehavior.EMPTY_STRING)))
        .isZero();
    assertThat(value(orders, Analyzer.minLength("name").withNulls(Analyzer.NullBehavior.FAIL)))
        .isEqualTo(-Double.MAX_VALUE);
    assertThat(value(orders, Analyzer.maxLength("name").withNulls(Analyzer.NullBehavior.FAIL)))
        .isEqualTo(Double.MAX_VALUE);
    assertThat(
            value(orders, Analyzer.maxLength("name").withNulls(Analyzer.NullBehavior.EMPTY_STRING)))
        .isEqualTo(4);
  }

  @Test
  void aHistogramReportsItsTailSumsAColumnAndBinsByAnExpression() {
    Distribution top =
        metric(orders, Analyzer.histogram("status").withMaxDetailBins(1)).distribution();
    assertThat(top.values()).containsOnlyKeys("PAID");
    assertThat(top.numberOfBins()).isEqualTo(4);
    assertThat(top.tail()).as("NEW, SHIPPED and a null, one row each").isEqualTo(3);

    Distribution summed =
        metric(orders, Analyzer.histogram("status").summing("amount")).distribution();
    assertThat(summed.absolute("PAID")).isEqualTo(50);
    assertThat(summed.absolute("NullValue")).isEqualTo(40);
    assertThat(summed.absolute("SHIPPED")).isZero();
    assertThat(summed.ratio("PAID")).isEqualTo(0.5);

    Distribution binned =
        metric(orders, Analyzer.histogram("amount").binnedBy("floor(amount / 20) * 20"))
            .distribution();
    assertThat(binned.values()).containsOnlyKeys("0", "20", "40", "NullValue");
    assertThat(binned.absolute("20")).isEqualTo(2);
    assertThat(metric(orders, Analyzer.histogram("amount").binnedBy("rand() > 0.5")).failure())
        .contains("not deterministic");
  }

  @Test
  void binnedHistogramsCountEqualWidthAndCustomBinsWithOverflowAndNulls() {
    Distribution equal = metric(orders, Analyzer.histogramBinned("amount", 3)).distribution();
    assertThat(equal.values().keySet())
        .containsExactly("[10.0, 20.0)", "[20.0, 30.0)", "[30.0, 40.0]");
    assertThat(equal.values().values())
        .extracting(Distribution.Value::absolute)
        .containsExactly(1L, 1L, 2L);
    assertThat(equal.tail()).as("the null").isEqualTo(1);
    assertThat(equal.ratio("[30.0, 40.0]")).isEqualTo(0.4);

    Distribution custom = metric(orders, Analyzer.histogramBinned("amount", 15, 35)).distribution();
    assertThat(custom.values()).containsOnlyKeys("[15.0, 35.0]");
    assertThat(custom.absolute("[15.0, 35.0]"))
        .as("10 and 40 fall outside, as in Deequ")
        .isEqualTo(2);
    Distribution overflow =
        metric(orders, Analyzer.histogramBinned("amount", 15, 35).withOverflowBins())
            .distribution();
    assertThat(overflow.values().values())
        .extracting(Distribution.Value::absolute)
        .containsExactly(1L, 2L, 1L);

    assertThatThrownBy(() -> Analyzer.histogramBinned("amount", 2).withOverflowBins())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one bin lies between");
  }

  @Test
  void customSqlReturnsOneNumberAndOnlyQueriesAreAccepted(SparkSession spark) {
    assertThat(value(orders, Analyzer.customSql("SELECT count(*) FROM VALUES (1), (2) AS t(x)")))
        .isEqualTo(2);
    assertThat(
            metric(orders, Analyzer.customSql("SELECT x FROM VALUES (1), (2) AS t(x)")).failure())
        .isEqualTo("the query returns more than one row, not exactly 1");
    assertThat(metric(orders, Analyzer.customSql("SELECT * FROM no_such_table")).failure())
        .contains("no_such_table");
    assertThatThrownBy(() -> Analyzer.customSql("DROP TABLE orders"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("takes a query");
    assertThatThrownBy(
            () -> Analyzer.customSql("WITH t AS (SELECT 1) INSERT INTO x SELECT * FROM t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("contains INSERT");
    assertThat(
            value(
                orders, Analyzer.customSql("SELECT count(*) FROM VALUES ('drop') AS t(`update`)")))
        .isEqualTo(1);
  }

  @Test
  void datasetMatchComparesRowsOnKeysAndSaysWhyItCannot(SparkSession spark) {
    Dataset<Row> mine =
        spark.sql(
            "SELECT * FROM VALUES (1, 'a', 1.0D), (2, 'b', NULL), (3, 'c', 3.0D), (4, 'd', 4.0D)"
                + " AS t(id, code, v)");
    Dataset<Row> theirs =
        spark.sql(
            "SELECT * FROM VALUES (1, 'a', 1.0D), (2, 'b', NULL), (3, 'x', 3.0D), (4, 'd', 4.5D)"
                + " AS t(key, code, v)");
    assertThat(value(mine, Analyzer.datasetMatch(theirs, Map.of("id", "key"))))
        .as("two nulls are equal")
        .isEqualTo(0.5);
    assertThat(
            value(
                mine,
                Analyzer.datasetMatch(theirs, Map.of("id", "key")).comparing(Map.of("v", "v"))))
        .isEqualTo(0.75);
    assertThat(
            value(
                mine,
                Analyzer.datasetMatch(theirs, Map.of("id", "key"))
                    .comparing(Map.of("code", "code"))))
        .isEqualTo(0.75);
    assertThat(metric(orders, Analyzer.datasetMatch(orders, Map.of("id", "id"))).failure())
        .contains("not unique");
    assertThat(metric(mine, Analyzer.datasetMatch(theirs.limit(3), Map.of("id", "key"))).failure())
        .isEqualTo("the row counts differ: 4 and 3");
    assertThat(metric(mine, Analyzer.datasetMatch(theirs, Map.of("id", "id"))).failure())
        .contains("has no column id");
  }

  @Test
  void aPredicateThatRaisesOnSomeRowsCountsThemAsNotCompliantAndSaysHowMany(SparkSession spark) {
    assertThat(spark.conf().get("spark.sql.ansi.enabled")).isEqualTo("true");
    Analyzer division = Analyzer.compliance("positive", "10 / (id - 2) > 0");
    Analyzer cast = Analyzer.compliance("numeric name", "CAST(name AS INT) > 0");
    AnalysisResult r =
        Analysis.onData(orders)
            .addAnalyzer(division)
            .addAnalyzer(cast)
            .addAnalyzer(Analyzer.size())
            .addAnalyzer(Analyzer.mean("amount"))
            .run();
    // id 1: -10, id 2 raises, ids 3, 4, 4: positive
    assertThat(r.metric(division).value()).isEqualTo(0.6);
    assertThat(r.metric(division).erroredRows()).isEqualTo(1);
    assertThat(r.metric(division).flatten())
        .extracting(MetricRecord::name)
        .contains("Compliance.erroredRows");
    // four names raise; the null name is null, not an error
    assertThat(r.metric(cast).value()).isZero();
    assertThat(r.metric(cast).erroredRows()).isEqualTo(4);
    assertThat(r.metric(Analyzer.size()).value()).isEqualTo(5);
    assertThat(r.metric(Analyzer.mean("amount")).value()).isEqualTo(25);
    assertThat(spark.conf().get("spark.sql.ansi.enabled"))
        .as("the session's setting is back")
        .isEqualTo("true");
  }

  @Test
  void aKllSketchEstimatesQuantilesAndBucketsFromMergedPartitionSketches(SparkSession spark) {
    // 1..100000 in 8 partitions: each partition sketches its rows, the sketches merge
    Dataset<Row> df =
        spark
            .range(1, 100_001, 1, 8)
            .selectExpr(
                "CAST(id AS DOUBLE) AS x", "CASE WHEN id % 10 = 0 THEN NULL ELSE id END AS y");
    KllSketch kll = Analyzer.kllSketch("x").with(2048, 10, 0.5, 0.99);
    Metric m = metric(df, kll);
    assertThat(m.keyed().get("0.5")).isCloseTo(50_000, within(0.005 * 100_000));
    assertThat(m.keyed().get("0.99")).isCloseTo(99_000, within(0.005 * 100_000));
    assertThat(m.distribution().values()).hasSize(10);
    assertThat(
            m.distribution().values().values().stream()
                .mapToLong(Distribution.Value::absolute)
                .sum())
        .isEqualTo(100_000);
    m.distribution()
        .values()
        .values()
        .forEach(b -> assertThat(b.absolute()).isCloseTo(10_000L, within(500L)));
    assertThat(m.distribution().values().keySet()).first().isEqualTo("[1.0, 10000.9]");
    assertThat(m.flatten())
        .extracting(MetricRecord::name)
        .contains("KLLSketch.bins", "KLLSketch-0.5");
    // nulls are left out; a filter applies; no rows fail
    assertThat(
            metric(df, Analyzer.kllSketch("y")).distribution().values().values().stream()
                .mapToLong(Distribution.Value::absolute)
                .sum())
        .isEqualTo(90_000);
    assertThat(metric(df, Analyzer.kllSketch("x").where("x <= 10")).keyed().get("0.5"))
        .isBetween(5.0, 6.0);
    assertThat(metric(df.limit(0), Analyzer.kllSketch("x")).failure()).contains("no rows");
    assertThat(
            Analysis.onData(df)
                .addAnalyzer(kll)
                .addAnalyzer(Analyzer.size())
                .run()
                .metric(Analyzer.size())
                .value())
        .as("in the one scan with the others")
        .isEqualTo(100_000);
  }

  @Test
  void kllStatesOfSeparateRunsMergeIntoTheMetricOfAllTheirData(SparkSession spark) {
    // three "days" of 300 rows each: below the sketch size, so every sketch (and their merge) is
    // exact
    KllSketch kll = Analyzer.kllSketch("x").with(1024, 4, 0.25, 0.5, 0.9);
    List<byte[]> days = new ArrayList<>();
    for (int day = 0; day < 3; day++) {
      Metric m =
          metric(
              spark.range(day * 300L, (day + 1) * 300L, 1, 3).selectExpr("CAST(id AS DOUBLE) AS x"),
              kll);
      assertThat(m.state()).as("day " + day + " keeps its sketch").isNotEmpty();
      days.add(m.state());
    }
    Metric merged = kll.merge(days);
    Metric whole = metric(spark.range(0, 900, 1, 3).selectExpr("CAST(id AS DOUBLE) AS x"), kll);
    assertThat(merged.keyed()).isEqualTo(whole.keyed()).containsEntry("0.5", 449.0);
    assertThat(merged.distribution()).isEqualTo(whole.distribution());
    // the state is DataSketches' own serial form, readable without Lakeforge
    assertThat(KllDoublesSketch.heapify(Memory.wrap(merged.state())).getN()).isEqualTo(900);
    // an empty day merges as nothing; a missing or foreign state is a failed metric naming it
    byte[] empty = metric(spark.range(0).selectExpr("CAST(id AS DOUBLE) AS x"), kll).state();
    assertThat(kll.merge(List.of(days.get(0), empty)).keyed())
        .isEqualTo(kll.merge(List.of(days.get(0))).keyed());
    assertThat(kll.merge(Arrays.asList(days.get(0), null)).failure())
        .contains("state 1 is missing");
    assertThat(kll.merge(List.of(days.get(0), new byte[] {1, 2, 3})).failure())
        .contains("state 1 is not a KLL sketch of doubles");
    assertThat(kll.merge(List.of()).failure()).contains("no rows");
  }

  @Test
  void whereLakeforgeDiffersFromDeequOnPurposeItGivesTheSaneValue(SparkSession spark) {
    // a long sum past 2^63: Deequ's overflows to a negative number
    Dataset<Row> longs = spark.sql("SELECT * FROM VALUES (9223372036854775807L), (1L) AS t(x)");
    assertThat(value(longs, Analyzer.sum("x"))).isEqualTo(9.223372036854775808E18);
    // a histogram's ratios under a filter are of the rows the filter keeps, so they add up to 1
    Distribution paid =
        metric(orders, Analyzer.histogram("name").where("status = 'PAID'")).distribution();
    assertThat(paid.values().values().stream().mapToDouble(Distribution.Value::ratio).sum())
        .isEqualTo(1.0);
    // mutual information with nulls: a null is a value of its own, and the result is never negative
    Dataset<Row> nulls =
        spark.sql(
            "SELECT * FROM VALUES (1, NULL), (1, 'a'), (2, NULL), (NULL, 'b'), (2, 'b') AS t(x, y)");
    assertThat(value(nulls, Analyzer.mutualInformation("x", "y"))).isGreaterThanOrEqualTo(0);
    // maxDetailBins 0 counts the bins, keeps none in detail (Deequ refuses it)
    Distribution counted =
        metric(orders, Analyzer.histogram("status").withMaxDetailBins(0)).distribution();
    assertThat(counted.numberOfBins()).isEqualTo(4);
    assertThat(counted.tail()).isEqualTo(5);
  }

  @Test
  void noAnalyzerMovesRowsOrGroupsIntoOnePartition(SparkSession spark) {
    Dataset<Row> many = spark.range(0, 2000).selectExpr("id % 500 AS x", "id % 7 AS y", "id AS z");
    List<SparkPlan> plans =
        ExecutedPlans.of(
            spark,
            () ->
                Analysis.onData(many)
                    .addAnalyzer(Analyzer.histogram("x"))
                    .addAnalyzer(Analyzer.mutualInformation("x", "y"))
                    .addAnalyzer(Analyzer.entropy("x"))
                    .addAnalyzer(Analyzer.duplicateRowCount("x", "y"))
                    .addAnalyzer(Analyzer.histogramBinned("z", 10))
                    .addAnalyzer(Analyzer.uniqueness("x"))
                    .run());
    // four queries: one grouping-sets aggregation for both column sets (x: entropy and
    // uniqueness; x, y: mutual information and duplicates), the histogram, and the binned
    // histogram's range and counts
    assertThat(plans).hasSize(4);
    ExecutedPlans.assertNoRowsInOnePartition(plans);
  }
}
