package dev.lakeforge.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

@SparkTest
class MetricsRepositoryTest {
  private static AnalysisResult analysis(SparkSession spark, long rows) {
    return Analysis.onData(
            spark.range(rows).selectExpr("id", "CASE WHEN id % 4 = 0 THEN NULL ELSE id END AS x"))
        .addAnalyzer(Analyzer.size())
        .addAnalyzer(Analyzer.completeness("x"))
        .addAnalyzer(Analyzer.approxQuantiles("id", 0.5))
        .run();
  }

  private static void roundTrip(SparkSession spark, MetricsRepository repo) {
    Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
    for (int day = 0; day < 5; day++) {
      repo.save(
          ResultKey.at(
              t0.plusSeconds(86_400L * day),
              Map.of("dataset", "orders", "env", day % 2 == 0 ? "prod" : "dev")),
          analysis(spark, 100 + day));
    }
    repo.save(ResultKey.at(t0, Map.of("dataset", "customers")), analysis(spark, 7));
    List<StoredRun> orders = repo.load(MetricsQuery.tagged("dataset", "orders"));
    assertThat(orders).hasSize(5);
    assertThat(orders)
        .extracting(r -> r.value(Analyzer.size()).getAsDouble())
        .containsExactly(100.0, 101.0, 102.0, 103.0, 104.0);
    assertThat(orders.get(0).value("Column", "x", "Completeness").getAsDouble()).isEqualTo(0.75);
    assertThat(orders.get(0).value("Column", "id", "ApproxQuantiles-0.5")).isPresent();
    assertThat(repo.load(MetricsQuery.tagged("dataset", "orders").withTag("env", "prod")))
        .hasSize(3);
    assertThat(
            repo.load(MetricsQuery.tagged("dataset", "orders").after(t0.plusSeconds(86_400L * 3))))
        .hasSize(2);
    assertThat(repo.load(MetricsQuery.all().before(t0.plusSeconds(1)))).hasSize(2);
    Dataset<Row> df = repo.loadAsDataFrame(spark, MetricsQuery.tagged("dataset", "orders"));
    df.createOrReplaceTempView("dq_history");
    assertThat(
            spark
                .sql(
                    "SELECT max(value) FROM dq_history WHERE name = 'Size' AND tags['env'] = 'prod'")
                .first()
                .getDouble(0))
        .isEqualTo(104.0);
  }

  @Test
  void aFilteredMetricIsStoredApartFromTheUnfilteredOneAndFoundAgain(
      SparkSession spark, TestWarehouse w) {
    MetricsRepository repo = MetricsRepository.files(w.resolve("dq-filtered").toUri().toString());
    Analyzer all = Analyzer.completeness("x");
    Analyzer filtered = Analyzer.completeness("x").where("id < 8");
    repo.save(
        ResultKey.at(Instant.parse("2026-11-01T00:00:00Z"), Map.of()),
        Analysis.onData(
                spark.range(10).selectExpr("id", "CASE WHEN id % 4 = 0 THEN NULL ELSE id END AS x"))
            .addAnalyzer(all)
            .addAnalyzer(filtered)
            .run());
    StoredRun run = repo.load(MetricsQuery.all()).get(0);
    assertThat(run.metrics())
        .extracting(MetricRecord::name)
        .containsExactly("Completeness", "Completeness (where: id < 8)");
    assertThat(run.value(all).getAsDouble()).isEqualTo(0.7);
    assertThat(run.value(filtered).getAsDouble()).isEqualTo(0.75);
  }

  @Test
  void fileRepositoryRoundTripsByTagsAndTimeRange(SparkSession spark, TestWarehouse w) {
    roundTrip(spark, MetricsRepository.files(w.resolve("dq-files").toUri().toString()));
  }

  @Test
  void tableRepositoryRoundTripsThroughTheDataFrameWriter(SparkSession spark, TestWarehouse w) {
    MetricsRepository repo = MetricsRepository.table(spark, w.database() + ".dq_metrics");
    assertThat(repo.load(MetricsQuery.all())).isEmpty();
    roundTrip(spark, repo);
    assertThat(spark.table(w.database() + ".dq_metrics").schema())
        .isEqualTo(MetricsRepository.SCHEMA.asNullable());
  }

  @Test
  void concurrentWritersNeverLoseARun(SparkSession spark, TestWarehouse w) throws Exception {
    MetricsRepository repo = MetricsRepository.files(w.resolve("dq-concurrent").toUri().toString());
    AnalysisResult result = analysis(spark, 10);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int writer = 0; writer < 8; writer++) {
        int id = writer;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 25; i++) {
                    repo.save(
                        new ResultKey(1_000_000L + i, Map.of("writer", Integer.toString(id))),
                        result);
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(repo.load(MetricsQuery.all())).hasSize(200);
    assertThat(repo.load(MetricsQuery.tagged("writer", "3"))).hasSize(25);
  }
}
