package dev.lakeforge.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The fused execution reads the source once for all scan analyzers, and once more per grouping
 * column set.
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
  void allScanAnalyzersShareOneReadAndGroupingOnesOnePerColumnSet(
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
            .addAnalyzer(Analyzer.approxQuantile("x", 0.9))
            .addAnalyzer(Analyzer.dataType("s"));
    assertThat(rowsRead(spark, scans::run)).isEqualTo(10_000);
    Analysis withGroups =
        scans
            .addAnalyzer(Analyzer.uniqueness("k"))
            .addAnalyzer(Analyzer.distinctness("k"))
            .addAnalyzer(Analyzer.entropy("k"))
            .addAnalyzer(Analyzer.countDistinct("k"));
    assertThat(rowsRead(spark, withGroups::run)).isEqualTo(20_000);
  }
}
