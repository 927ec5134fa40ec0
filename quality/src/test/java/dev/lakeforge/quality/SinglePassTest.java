package dev.lakeforge.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The fused execution reads the source once for all scan analyzers, and once more for the grouping
 * analyzers of every column set.
 */
@SparkTest
class SinglePassTest {
  /** Rows read from sources while the action runs. */
  static long rowsRead(SparkSession spark, Runnable action) throws Exception {
    var sc = ((org.apache.spark.sql.classic.SparkSession) spark).sparkContext();
    AtomicLong read = new AtomicLong();
    SparkListener l =
        new SparkListener() {
          @Override
          public void onTaskEnd(SparkListenerTaskEnd e) {
            if (e.taskMetrics() != null) {
              read.addAndGet(e.taskMetrics().inputMetrics().recordsRead());
            }
          }
        };
    sc.addSparkListener(l);
    try {
      action.run();
      sc.listenerBus().waitUntilEmpty(10_000);
    } finally {
      sc.removeSparkListener(l);
    }
    return read.get();
  }

  @Test
  void scanAnalyzersWithoutSketchesShareOneReadAndTheGroupingOnesOfEveryColumnSetAnother(
      SparkSession spark, TestWarehouse w) throws Exception {
    String path = w.resolve("events").toString();
    spark
        .range(10_000)
        .selectExpr(
            "id", "id % 13 AS k", "CAST(id * 0.5 AS DOUBLE) AS x", "CAST(id AS STRING) AS s")
        .write()
        .parquet(path);
    Dataset<Row> df = spark.read().parquet(path);
    Analysis scans =
        Analysis.onData(df)
            .addAnalyzer(Analyzer.size())
            .addAnalyzer(Analyzer.completeness("x"))
            .addAnalyzer(Analyzer.mean("x"))
            .addAnalyzer(Analyzer.maximum("id"))
            .addAnalyzer(Analyzer.standardDeviation("x"))
            .addAnalyzer(Analyzer.compliance("pos", "x >= 0"))
            .addAnalyzer(Analyzer.maxLength("s"))
            .addAnalyzer(Analyzer.patternMatch("s", "^[0-9]+$"))
            .addAnalyzer(Analyzer.dataType("s"));
    assertThat(rowsRead(spark, scans::run)).isEqualTo(10_000);
    Analysis withGroups =
        scans
            .addAnalyzer(Analyzer.uniqueness("k"))
            .addAnalyzer(Analyzer.distinctness("k"))
            .addAnalyzer(Analyzer.entropy("k"))
            .addAnalyzer(Analyzer.countDistinct("k"));
    assertThat(rowsRead(spark, withGroups::run)).isEqualTo(20_000);
    Analysis moreColumnSets =
        withGroups
            .addAnalyzer(Analyzer.uniqueValueRatio("s"))
            .addAnalyzer(Analyzer.mutualInformation("k", "id"))
            .addAnalyzer(Analyzer.duplicateRowCount("k", "s"));
    assertThat(rowsRead(spark, moreColumnSets::run))
        .as("four column sets, one grouping-sets aggregation; mutual information reads its shuffle")
        .isEqualTo(20_000);
    AnalysisResult shared = moreColumnSets.run();
    assertThat(shared.metric(Analyzer.uniqueness("k")).value()).isEqualTo(0.0);
    assertThat(shared.metric(Analyzer.uniqueValueRatio("s")).value()).isEqualTo(1.0);
    assertThat(shared.metric(Analyzer.duplicateRowCount("k", "s")).value()).isEqualTo(0.0);
    assertThat(shared.metric(Analyzer.mutualInformation("k", "id")).value())
        .as("id determines k: I(k; id) = H(k)")
        .isCloseTo(shared.metric(Analyzer.entropy("k")).value(), Offset.offset(1e-9));
  }

  @Test
  void sketchesGetAnAggregationOfTheirOwnColumnsOnColumnarDataAndShareTheScanElsewhere(
      SparkSession spark, TestWarehouse w) throws Exception {
    Dataset<Row> rows =
        spark.range(10_000).selectExpr("id", "CAST(id * 0.5 AS DOUBLE) AS x", "id % 13 AS k");
    String parquet = w.resolve("sketched-parquet").toString();
    String csv = w.resolve("sketched-csv").toString();
    rows.write().parquet(parquet);
    rows.write().option("header", "true").csv(csv);
    List<Analyzer> analyzers =
        List.of(
            Analyzer.size(),
            Analyzer.mean("x"),
            Analyzer.maximum("id"),
            Analyzer.approxQuantile("x", 0.5),
            Analyzer.approxCountDistinct("k"),
            Analyzer.exactQuantile("x", 0.5));

    Dataset<Row> columnar = spark.read().parquet(parquet);
    Analysis onColumnar = Analysis.onData(columnar).addAnalyzers(analyzers);
    assertThat(onColumnar.plans())
        .containsOnlyKeys(
            "one scan for 3 analyzers without sketches",
            "one scan of their columns for 3 sketches");
    Dataset<Row> compiled = onColumnar.plans().get("one scan for 3 analyzers without sketches");
    compiled.collect(); // the adaptive plan shows its code generation stages once it has run
    assertThat(compiled.queryExecution().executedPlan().toString())
        .as("compiled: a HashAggregate in a whole-stage code generation stage")
        .containsPattern("\\*\\(\\d+\\) HashAggregate")
        .doesNotContain("ObjectHashAggregate");
    assertThat(
            onColumnar
                .plans()
                .get("one scan of their columns for 3 sketches")
                .queryExecution()
                .executedPlan()
                .toString())
        .as("the second read is pruned to the sketches' columns")
        .contains("ReadSchema: struct<x:double,k:bigint>");
    assertThat(rowsRead(spark, onColumnar::run)).isEqualTo(20_000);
    String before = spark.conf().get(Analysis.SKETCHES_APART, null);
    spark.conf().set(Analysis.SKETCHES_APART, "false");
    try {
      assertThat(onColumnar.plans()).containsOnlyKeys("one scan for 6 analyzers");
      assertThat(rowsRead(spark, onColumnar::run)).as("switched off: one read").isEqualTo(10_000);
      spark.conf().set(Analysis.SKETCHES_APART, "no");
      assertThatThrownBy(onColumnar::run)
          .isInstanceOf(QualityException.class)
          .hasMessage("spark.lakeforge.quality.sketchesApart is 'no'; expected auto, false");
    } finally {
      if (before == null) {
        spark.conf().unset(Analysis.SKETCHES_APART);
      } else {
        spark.conf().set(Analysis.SKETCHES_APART, before);
      }
    }

    Dataset<Row> text =
        spark.read().option("header", "true").option("inferSchema", "true").csv(csv);
    Analysis onText = Analysis.onData(text).addAnalyzers(analyzers);
    assertThat(onText.plans()).containsOnlyKeys("one scan for 6 analyzers");
    assertThat(rowsRead(spark, onText::run)).as("a row format is read once").isEqualTo(10_000);

    AnalysisResult a = onColumnar.run();
    AnalysisResult b = onText.run();
    for (Analyzer analyzer : analyzers.subList(0, 3)) {
      assertThat(a.metric(analyzer).value())
          .as(analyzer.describe())
          .isEqualTo(b.metric(analyzer).value());
    }
    assertThat(a.metric(Analyzer.approxQuantile("x", 0.5)).value())
        .as("the median of 0 .. 4999.5, within the sketch's 1% of the ranks, from either source")
        .isCloseTo(2500.0, Offset.offset(50.0))
        .isCloseTo(b.metric(Analyzer.approxQuantile("x", 0.5)).value(), Offset.offset(100.0));
    assertThat(a.metric(Analyzer.size()).value()).isEqualTo(10_000.0);
    assertThat(a.metric(Analyzer.approxCountDistinct("k")).value()).isEqualTo(13.0);
  }

  @Test
  void sharedColumnSetsInAnyOrderGiveTheMetricsEachGetsAlone(SparkSession spark) {
    Dataset<Row> df =
        spark
            .range(3_000)
            .selectExpr(
                "id",
                "CASE WHEN id % 11 = 0 THEN NULL ELSE id % 7 END AS k",
                "CASE WHEN id % 13 = 0 THEN NULL ELSE CAST(id % 5 AS STRING) END AS s");
    List<Analyzer> analyzers =
        List.of(
            Analyzer.uniqueness("k"),
            Analyzer.entropy("k"),
            Analyzer.distinctness("s"),
            Analyzer.mutualInformation("k", "s"),
            Analyzer.duplicateRowCount("s", "k"),
            Analyzer.countDistinct("s").where("id < 1000"),
            Analyzer.uniqueValueRatio("k").where("id < 1000"),
            Analyzer.uniqueness("id"));
    Analysis together = Analysis.onData(df);
    analyzers.forEach(together::addAnalyzer);
    AnalysisResult shared = together.run();
    for (Analyzer a : analyzers) {
      Double alone = Analysis.onData(df).addAnalyzer(a).run().metric(a).value();
      assertThat(shared.metric(a).value()).as(a.describe()).isCloseTo(alone, Offset.offset(1e-12));
    }
  }
}
