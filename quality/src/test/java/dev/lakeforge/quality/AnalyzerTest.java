package dev.lakeforge.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lakeforge.testing.SparkTest;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each analyzer's value on small data computed by hand. */
@SparkTest
class AnalyzerTest {
  private static Dataset<Row> orders;

  @BeforeAll
  static void data(SparkSession spark) {
    orders = TestOrders.of(spark);
  }

  private static double value(Dataset<Row> df, Analyzer a) {
    Metric m = Analysis.onData(df).addAnalyzer(a).run().metric(a);
    assertThat(m.failure()).as(a.describe()).isNull();
    return m.value();
  }

  @Test
  void scanAnalyzersMatchHandComputedValues() {
    List<Analyzer> all =
        List.of(
            Analyzer.size(),
            Analyzer.completeness("name"),
            Analyzer.minimum("amount"),
            Analyzer.maximum("amount"),
            Analyzer.mean("amount"),
            Analyzer.sum("amount"),
            Analyzer.standardDeviation("amount"),
            Analyzer.minLength("name"),
            Analyzer.maxLength("name"),
            Analyzer.compliance("big", "amount > 15"),
            Analyzer.patternMatch("name", "^[a-z]+$"),
            Analyzer.correlation("id", "amount"),
            Analyzer.approxQuantile("amount", 0.5),
            Analyzer.approxCountDistinct("id"));
    AnalysisResult r = Analysis.onData(orders).addAnalyzers(all).run();
    double[] expected = {5, 0.8, 10, 40, 25, 100, Math.sqrt(125), 3, 4, 0.6, 0.4, 1.0, 20, 4};
    for (int i = 0; i < all.size(); i++) {
      assertThat(r.metric(all.get(i)).value())
          .as(all.get(i).describe())
          .isCloseTo(expected[i], within(1e-9));
    }
  }

  @Test
  void groupingAnalyzersFollowDeequNullHandling() {
    assertThat(value(orders, Analyzer.uniqueness("id"))).isEqualTo(0.6); // 3 of 5 ids occur once
    assertThat(value(orders, Analyzer.distinctness("id"))).isEqualTo(0.8); // 4 distinct of 5
    assertThat(value(orders, Analyzer.uniqueValueRatio("id")))
        .isEqualTo(0.75); // 3 unique of 4 distinct
    assertThat(value(orders, Analyzer.countDistinct("id"))).isEqualTo(4);
    // nulls are left out of the rows: 4 non-null statuses, NEW 1, PAID 2, SHIPPED 1
    assertThat(value(orders, Analyzer.uniqueness("status"))).isEqualTo(0.5);
    assertThat(value(orders, Analyzer.distinctness("status"))).isEqualTo(0.75);
    double entropy = -(2 * 0.25 * Math.log(0.25) + 0.5 * Math.log(0.5));
    assertThat(value(orders, Analyzer.entropy("status"))).isCloseTo(entropy, within(1e-12));
    // a row counts for a column set when at least one of its columns is non-null
    assertThat(value(orders, Analyzer.uniqueness("name", "status"))).isEqualTo(1.0);
  }

  @Test
  void namesWithDotsSpacesBackticksAndUnicodeAreColumns(SparkSession spark) {
    Dataset<Row> df =
        spark.sql(
            "SELECT * FROM VALUES (1, 'ab', 2.0D, 'x'), (NULL, 'abc', 4.0D, 'y')"
                + " AS t(`a.b`, `with space`, `ünï`, `tick``ed`)");
    assertThat(value(df, Analyzer.completeness("a.b"))).isEqualTo(0.5);
    assertThat(value(df, Analyzer.maxLength("with space"))).isEqualTo(3);
    assertThat(value(df, Analyzer.mean("ünï"))).isEqualTo(3.0);
    assertThat(value(df, Analyzer.countDistinct("tick`ed"))).isEqualTo(2);
    assertThat(value(df, Analyzer.uniqueness("a.b", "with space"))).isEqualTo(1.0);
  }

  @Test
  void oneAnalyzersFailureIsItsFailedMetricNotTheLossOfTheRun(SparkSession spark) {
    // Grouping by a VARIANT column is an AnalysisException, a checked exception Spark throws
    // undeclared.
    Dataset<Row> df = spark.sql("SELECT id, parse_json(CAST(id AS STRING)) AS v FROM range(4)");
    Analyzer size = Analyzer.size();
    Analyzer distinct = Analyzer.countDistinct("v");
    Analyzer unique = Analyzer.uniqueness("v");
    Analyzer mean = Analyzer.mean("id");
    AnalysisResult r =
        Analysis.onData(df).addAnalyzers(List.of(size, distinct, unique, mean)).run();
    assertThat(r.metric(size).value()).isEqualTo(4);
    assertThat(r.metric(mean).value()).isEqualTo(1.5);
    assertThat(r.metric(distinct).failure()).contains("v");
    assertThat(r.metric(unique).failure()).contains("v");
  }

  @Test
  void aRelativeErrorOfZeroGivesTheExactQuantile(SparkSession spark) {
    Dataset<Row> df = spark.range(1, 10_002).selectExpr("id * 3 AS x");
    assertThat(value(df, new ApproxQuantile("x", 0.5, 0.0, null))).isEqualTo(5001 * 3);
    Assertions.assertThatThrownBy(() -> new ApproxQuantile("x", 0.5, -0.1, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 1]");
  }

  @Test
  void aDecimalSumIsExact(SparkSession spark) {
    Dataset<Row> df =
        spark.sql(
            "SELECT CAST(v AS DECIMAL(38, 10)) AS d FROM VALUES ('100000000000000000000'),"
                + " ('0.0000000001'), ('-100000000000000000000') AS t(v)");
    assertThat(value(df, Analyzer.sum("d"))).isEqualTo(1e-10); // as a double sum it is 0
  }

  @Test
  void correlationWithAConstantColumnIsNaNAsInDeequ(SparkSession spark) {
    Dataset<Row> df = spark.sql("SELECT id, 7 AS c, IF(id = 2, NULL, id * 2) AS y FROM range(4)");
    assertThat(value(df, Analyzer.correlation("id", "c")))
        .isNaN(); // Spark's corr divides by zero under ANSI
    assertThat(value(df, Analyzer.correlation("id", "y")))
        .isCloseTo(1.0, within(1e-12)); // rows with both set
  }

  @Test
  void mutualInformationOfDependentAndIndependentColumns(SparkSession spark) {
    Dataset<Row> df =
        spark.sql(
            "SELECT * FROM VALUES ('A', 1, 'x'), ('A', 1, 'y'), ('B', 2, 'x'), ('B', 2, 'y') AS t(a, b, c)");
    assertThat(value(df, Analyzer.mutualInformation("a", "b")))
        .isCloseTo(Math.log(2), within(1e-12));
    assertThat(value(df, Analyzer.mutualInformation("a", "c"))).isCloseTo(0.0, within(1e-12));
  }

  @Test
  void histogramCountsNullsAsNullValue() {
    Metric m =
        Analysis.onData(orders)
            .addAnalyzer(Analyzer.histogram("status"))
            .run()
            .metric(Analyzer.histogram("status"));
    Distribution d = m.distribution();
    assertThat(d.numberOfBins()).isEqualTo(4);
    assertThat(d.absolute("PAID")).isEqualTo(2);
    assertThat(d.ratio("PAID")).isEqualTo(0.4);
    assertThat(d.absolute("NullValue")).isEqualTo(1);
    assertThat(m.flatten())
        .extracting(MetricRecord::name)
        .contains("Histogram.bins", "Histogram.abs.PAID", "Histogram.ratio.NullValue");
  }

  @Test
  void histogramKeepsTheMostFrequentBins(SparkSession spark) {
    Dataset<Row> df =
        spark
            .range(100)
            .selectExpr("CAST(id % 10 AS STRING) AS v")
            .union(spark.sql("SELECT '3' AS v"));
    Histogram h = new Histogram("v", 2, null);
    Distribution d = Analysis.onData(df).addAnalyzer(h).run().metric(h).distribution();
    assertThat(d.numberOfBins()).isEqualTo(10);
    assertThat(d.values()).hasSize(2).containsKey("3");
    assertThat(d.absolute("3")).isEqualTo(11);
  }

  @Test
  void aHistogramOfNoRowsIsEmptyAndZeroDetailBinsStillCountsTheBins(SparkSession spark) {
    Dataset<Row> df = spark.range(10).selectExpr("CAST(id % 3 AS STRING) AS v");
    for (Histogram h :
        List.of(
            Analyzer.histogram("v").where("v = 'none'"), Analyzer.histogram("v").where("false"))) {
      Metric m = Analysis.onData(df).addAnalyzer(h).run().metric(h);
      assertThat(m.failure()).isNull();
      assertThat(m.distribution().numberOfBins()).isZero();
      assertThat(m.distribution().values()).isEmpty();
    }
    Histogram none = new Histogram("v", 0, null);
    Distribution counted = Analysis.onData(df).addAnalyzer(none).run().metric(none).distribution();
    assertThat(counted.numberOfBins()).isEqualTo(3);
    assertThat(counted.values()).isEmpty();
    assertThat(
            Analysis.onData(df.limit(0))
                .addAnalyzer(Analyzer.histogram("v"))
                .run()
                .metric(Analyzer.histogram("v"))
                .distribution()
                .numberOfBins())
        .isZero();
    Assertions.assertThatThrownBy(() -> new Histogram("v", -1, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDetailBins >= 0");
  }

  @Test
  void dataTypeInfersTypesWithDeequRules(SparkSession spark) {
    Dataset<Row> df =
        spark.sql("SELECT * FROM VALUES ('1'), ('2.5'), ('true'), ('abc'), (NULL), ('-3') AS t(v)");
    DataType a = Analyzer.dataType("v");
    Distribution d = Analysis.onData(df).addAnalyzer(a).run().metric(a).distribution();
    assertThat(d.absolute("Integral")).isEqualTo(2);
    assertThat(d.absolute("Fractional")).isEqualTo(1);
    assertThat(d.absolute("Boolean")).isEqualTo(1);
    assertThat(d.absolute("String")).isEqualTo(1);
    assertThat(d.absolute("Unknown")).isEqualTo(1);
    assertThat(d.ratio("Integral")).isCloseTo(2.0 / 6, within(1e-12));
  }

  @Test
  void dataTypeClassifiesEdgeCasesAndEveryFlatTypeAsDeequDoes(SparkSession spark) {
    Dataset<Row> strings =
        spark.sql(
            "SELECT * FROM VALUES (''), (''), ('5.'), ('1e5'), ('-2.5E-3'), ('- 7'),"
                + " ('12\n'), ('.5'), ('True') AS t(v)");
    DataType a = Analyzer.dataType("v");
    Distribution d = Analysis.onData(strings).addAnalyzer(a).run().metric(a).distribution();
    assertThat(d.absolute("Fractional")).as("1e5, -2.5E-3").isEqualTo(2);
    assertThat(d.absolute("Integral")).as("- 7").isEqualTo(1);
    assertThat(d.absolute("Boolean")).as("booleans are lower case").isZero();
    assertThat(d.absolute("String")).as("'', '', 5., 12 and a newline, .5, True").isEqualTo(6);

    Dataset<Row> typed =
        spark.sql(
            "SELECT * FROM VALUES (1, 1.5D, true, CAST(2 AS DECIMAL(5, 1))),"
                + " (2, 2.0D, false, NULL) AS t(i, d, b, m)");
    Map<String, String> expected =
        Map.of("i", "Integral", "d", "Fractional", "b", "Boolean", "m", "Fractional");
    expected.forEach(
        (column, type) -> {
          DataType t = Analyzer.dataType(column);
          assertThat(
                  Analysis.onData(typed)
                      .addAnalyzer(t)
                      .run()
                      .metric(t)
                      .distribution()
                      .absolute(type))
              .as(column)
              .isEqualTo(column.equals("m") ? 1 : 2);
        });
    DataType nested = Analyzer.dataType("s");
    assertThat(
            Analysis.onData(spark.sql("SELECT named_struct('a', 1) AS s"))
                .addAnalyzer(nested)
                .run()
                .metric(nested)
                .failure())
        .contains("flat values");
  }

  @Test
  void approxQuantilesAreKeyed() {
    ApproxQuantiles q = Analyzer.approxQuantiles("amount", 0.25, 0.5, 1.0);
    Metric m = Analysis.onData(orders).addAnalyzer(q).run().metric(q);
    assertThat(m.keyed())
        .containsEntry("0.25", 10.0)
        .containsEntry("0.5", 20.0)
        .containsEntry("1.0", 40.0);
    assertThat(m.flatten())
        .extracting(MetricRecord::name)
        .containsExactly("ApproxQuantiles-0.25", "ApproxQuantiles-0.5", "ApproxQuantiles-1.0");
  }

  @Test
  void whereFiltersRowsForEveryKind() {
    assertThat(value(orders, Analyzer.completeness("name").where("status = 'PAID'")))
        .isEqualTo(0.5);
    assertThat(value(orders, Analyzer.size().where("amount >= 20"))).isEqualTo(3);
    assertThat(value(orders, Analyzer.uniqueness("id").where("id > 1")))
        .isCloseTo(2.0 / 4, within(1e-12));
    assertThat(value(orders, Analyzer.mean("amount").where("status = 'PAID'"))).isEqualTo(25);
  }

  @Test
  void emptyDataGivesZeroCountsFailedRatiosAndAnEmptyHistogram(SparkSession spark) {
    Dataset<Row> empty = orders.where("id < 0");
    AnalysisResult r =
        Analysis.onData(empty)
            .addAnalyzer(Analyzer.size())
            .addAnalyzer(Analyzer.completeness("name"))
            .addAnalyzer(Analyzer.mean("amount"))
            .addAnalyzer(Analyzer.uniqueness("id"))
            .addAnalyzer(Analyzer.countDistinct("id"))
            .addAnalyzer(Analyzer.histogram("status"))
            .run();
    assertThat(r.metric(Analyzer.size()).value()).isZero();
    assertThat(r.metric(Analyzer.countDistinct("id")).value()).isZero();
    assertThat(r.metric(Analyzer.completeness("name")).failure())
        .contains("no rows to compute Completeness(name)");
    assertThat(r.metric(Analyzer.mean("amount")).isSuccess()).isFalse();
    assertThat(r.metric(Analyzer.uniqueness("id")).isSuccess()).isFalse();
    // as in Deequ, a histogram of no rows is a distribution with no bins, not a failure
    assertThat(r.metric(Analyzer.histogram("status")).distribution().numberOfBins()).isZero();
  }

  @Test
  void allNullColumnIsIncompleteAndHasNoMean(SparkSession spark) {
    Dataset<Row> df =
        spark.sql(
            "SELECT * FROM VALUES (1, CAST(NULL AS DOUBLE)), (2, CAST(NULL AS DOUBLE)) AS t(id, x)");
    AnalysisResult r =
        Analysis.onData(df)
            .addAnalyzer(Analyzer.completeness("x"))
            .addAnalyzer(Analyzer.mean("x"))
            .addAnalyzer(Analyzer.uniqueness("x"))
            .run();
    assertThat(r.metric(Analyzer.completeness("x")).value()).isZero();
    assertThat(r.metric(Analyzer.mean("x")).failure()).contains("no rows");
    assertThat(r.metric(Analyzer.uniqueness("x")).isSuccess()).isFalse();
  }

  @Test
  void nanIsAValueNotANull(SparkSession spark) {
    Dataset<Row> df =
        spark.sql("SELECT * FROM VALUES (1.0D), (CAST('NaN' AS DOUBLE)), (3.0D) AS t(x)");
    assertThat(value(df, Analyzer.completeness("x"))).isEqualTo(1.0);
    assertThat(value(df, Analyzer.maximum("x"))).isNaN();
    assertThat(value(df, Analyzer.minimum("x"))).isEqualTo(1.0);
    assertThat(value(df, Analyzer.countDistinct("x"))).isEqualTo(3);
  }

  @Test
  void analyzersThatCannotRunFailAloneWithAClearMessage() {
    AnalysisResult r =
        Analysis.onData(orders)
            .addAnalyzer(Analyzer.completeness("nope"))
            .addAnalyzer(Analyzer.mean("name"))
            .addAnalyzer(Analyzer.compliance("bad", "amount >>> 3"))
            .addAnalyzer(Analyzer.compliance("not boolean", "amount + 1"))
            .addAnalyzer(Analyzer.size().where("no_such_col > 1"))
            .addAnalyzer(Analyzer.maxLength("amount"))
            .addAnalyzer(Analyzer.size())
            .addAnalyzer(Analyzer.uniqueness("id"))
            .run();
    assertThat(r.metric(Analyzer.completeness("nope")).failure())
        .isEqualTo("column 'nope' does not exist; columns: id, name, amount, status");
    assertThat(r.metric(Analyzer.mean("name")).failure())
        .isEqualTo("Mean needs a numeric column, but 'name' is string");
    assertThat(r.metric(Analyzer.compliance("bad", "amount >>> 3")).failure())
        .startsWith("invalid predicate 'amount >>> 3'");
    assertThat(r.metric(Analyzer.compliance("not boolean", "amount + 1")).failure())
        .contains("not a boolean condition");
    assertThat(r.metric(Analyzer.size().where("no_such_col > 1")).failure())
        .startsWith("invalid where filter");
    assertThat(r.metric(Analyzer.maxLength("amount")).failure()).contains("needs a string column");
    assertThat(r.metric(Analyzer.size()).value()).isEqualTo(5);
    assertThat(r.metric(Analyzer.uniqueness("id")).value()).isEqualTo(0.6);
    assertThat(r.failures()).hasSize(6);
  }

  @Test
  void metricsExportInDeequShape(SparkSession spark) {
    AnalysisResult r =
        Analysis.onData(orders)
            .addAnalyzer(Analyzer.size())
            .addAnalyzer(Analyzer.completeness("name"))
            .addAnalyzer(Analyzer.uniqueness("id", "name"))
            .addAnalyzer(Analyzer.completeness("nope"))
            .run();
    assertThat(r.successMetricsAsJson())
        .isEqualTo(
            "[{\"entity\":\"Dataset\",\"instance\":\"*\",\"name\":\"Size\",\"value\":5.0},"
                + "{\"entity\":\"Column\",\"instance\":\"name\",\"name\":\"Completeness\",\"value\":0.8},"
                + "{\"entity\":\"Multicolumn\",\"instance\":\"id,name\",\"name\":\"Uniqueness\",\"value\":1.0}]");
    Dataset<Row> df = r.successMetricsAsDataFrame(spark);
    assertThat(df.count()).isEqualTo(3);
    assertThat(df.where("name = 'Completeness'").first().getDouble(3)).isEqualTo(0.8);
  }

  @Test
  void unicodeLengthsCountCharacters(SparkSession spark) {
    Dataset<Row> df = spark.sql("SELECT * FROM VALUES ('日本語'), ('ü'), ('') AS t(s)");
    assertThat(value(df, Analyzer.maxLength("s"))).isEqualTo(3);
    assertThat(value(df, Analyzer.minLength("s"))).isEqualTo(0);
  }
}
