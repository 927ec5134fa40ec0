package dev.lakeforge.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lakeforge.testing.SparkTest;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With {@link Analysis#GPU_EXPRESSIONS} the population variance and standard deviation come from
 * expressions the GPU runs: they equal Spark's own within the last bits, on the edge cases too.
 */
@SparkTest
class GpuExpressionsTest {
  private static final List<String> DATA =
      List.of(
          "SELECT CAST(id AS DOUBLE) AS x FROM range(1000)",
          "SELECT 1e9 + CAST(id % 7 AS DOUBLE) / 3 AS x FROM range(5000)", // large mean
          "SELECT 42.0D AS x", // one value
          "SELECT CAST(NULL AS DOUBLE) AS x FROM range(3)", // no value
          "SELECT CASE WHEN id = 2 THEN CAST('NaN' AS DOUBLE) ELSE CAST(id AS DOUBLE) END AS x"
              + " FROM range(4)");

  @AfterEach
  void reset(SparkSession spark) {
    spark.conf().unset(Analysis.GPU_EXPRESSIONS);
  }

  @Test
  void varianceAndStandardDeviationEqualSparksWithinTheLastBits(SparkSession spark) {
    for (String sql : DATA) {
      Dataset<Row> df = spark.sql(sql);
      spark.conf().set(Analysis.GPU_EXPRESSIONS, "false");
      Metric[] cpu = metrics(df);
      spark.conf().set(Analysis.GPU_EXPRESSIONS, "true");
      Metric[] gpu = metrics(df);
      for (int i = 0; i < cpu.length; i++) {
        assertThat(gpu[i].isSuccess()).as(sql).isEqualTo(cpu[i].isSuccess());
        if (!cpu[i].isSuccess()) {
          continue;
        }
        double expected = cpu[i].value();
        if (Double.isNaN(expected)) {
          assertThat(gpu[i].value()).as(sql).isNaN();
        } else {
          assertThat(gpu[i].value())
              .as(sql)
              .isCloseTo(expected, within(1e-12 * Math.max(1, Math.abs(expected))));
        }
      }
    }
  }

  @Test
  void cpuRunsKeepSparksOwnAggregates(SparkSession spark) {
    Dataset<Row> df = spark.sql("SELECT CAST(id AS DOUBLE) AS x FROM range(10)");

    assertThat(plan(df)).contains("var_pop(").doesNotContain("stddev_samp(");
    spark.conf().set(Analysis.GPU_EXPRESSIONS, "true");
    assertThat(plan(df)).contains("stddev_samp(").doesNotContain("var_pop(");
  }

  private static String plan(Dataset<Row> df) {
    return Analysis.onData(df)
        .addAnalyzer(Analyzer.variance("x"))
        .plans()
        .values()
        .iterator()
        .next()
        .queryExecution()
        .optimizedPlan()
        .toString();
  }

  private static Metric[] metrics(Dataset<Row> df) {
    Analyzer variance = Analyzer.variance("x");
    Analyzer stddev = Analyzer.standardDeviation("x");
    AnalysisResult r = Analysis.onData(df).addAnalyzer(variance).addAnalyzer(stddev).run();
    return new Metric[] {r.metric(variance), r.metric(stddev)};
  }
}
