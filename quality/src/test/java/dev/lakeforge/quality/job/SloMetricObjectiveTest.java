package dev.lakeforge.quality.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.core.Location;
import dev.lakeforge.core.job.ExitCode;
import dev.lakeforge.core.report.RunReport;
import dev.lakeforge.core.slo.SloSettings;
import dev.lakeforge.quality.Analysis;
import dev.lakeforge.quality.Analyzer;
import dev.lakeforge.quality.MetricsRepository;
import dev.lakeforge.quality.ResultKey;
import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.SparkTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The slo job's metric objectives, read from a metrics repository that quality runs saved to. */
@SparkTest
class SloMetricObjectiveTest {
  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

  @TempDir static Path dir;

  /**
   * Six daily runs of orders, the newest first: the one three days ago had a quarter of its
   * customer ids missing; a run of another dataset in the same repository has none.
   */
  @BeforeAll
  static void history(SparkSession spark) {
    MetricsRepository repo = MetricsRepository.files(dir.resolve("dq-metrics").toUri().toString());
    for (int day = 0; day < 6; day++) {
      String customer = day == 3 ? "CASE WHEN id % 4 = 0 THEN NULL ELSE id END" : "id";
      repo.save(
          ResultKey.at(
              NOW.minus(Duration.ofDays(day)).minusSeconds(60), Map.of("dataset", "orders")),
          Analysis.onData(spark.range(100 + day).selectExpr("id", customer + " AS customer_id"))
              .addAnalyzer(Analyzer.size())
              .addAnalyzer(Analyzer.completeness("customer_id"))
              .run());
    }
    repo.save(
        ResultKey.at(NOW.minusSeconds(60), Map.of("dataset", "customers")),
        Analysis.onData(spark.range(7).selectExpr("CAST(NULL AS BIGINT) AS customer_id"))
            .addAnalyzer(Analyzer.completeness("customer_id"))
            .run());
  }

  private static Launched slo(String window, String metrics) throws Exception {
    Files.createDirectories(dir.resolve("runs"));
    Path config =
        Files.writeString(
            dir.resolve("slo-" + window + ".yaml"),
            """
            run: {reportDir: own-runs}
            slo:
              reports: runs
              window: %s
              prometheus: metrics/slo.prom
              objectives:
                - job: quality-check
                  metrics:
            %s
            """
                .formatted(window, metrics.indent(8)));
    return Launched.run("slo", "--config", config.toString(), "--now=" + NOW);
  }

  @Test
  void everyRunInTheWindowMustMeetTheBoundSoTheWorstOneIsTheIndicator() throws Exception {
    String metrics =
        """
        - {repository: dq-metrics, metric: Completeness, column: customer_id, atLeast: 0.99,
           tags: {dataset: orders}}
        - {repository: dq-metrics, metric: Size, atMost: 104, tags: {dataset: orders}}
        """;
    Launched lastTwoDays = slo("2d", metrics);
    assertThat(lastTwoDays.code()).as(lastTwoDays.all()).isZero();
    assertThat(lastTwoDays.out())
        .containsPattern("Completeness\\(customer_id\\)\\s+1\\s+objective >= 0\\.9900\\s+met")
        .containsPattern("Size\\s+101\\s+objective <= 104\\s+met");

    Launched lastWeek = slo("7d", metrics);
    assertThat(lastWeek.code()).as(lastWeek.all()).isEqualTo(ExitCode.QUALITY_GATE_FAILED);
    assertThat(lastWeek.out())
        .as("the run three days ago lost 26 of its 103 ids; the oldest is the largest")
        .containsPattern(
            "Completeness\\(customer_id\\)\\s+0\\.7476\\s+objective >= 0\\.9900\\s+BREACHED")
        .containsPattern("Size\\s+105\\s+objective <= 104\\s+BREACHED")
        .contains("SLO breached: quality-check");
    assertThat(Files.readString(dir.resolve("metrics/slo.prom")))
        .contains(
            "lakeforge_sli{job=\"quality-check\",sli=\"Completeness(customer_id)\"} 0.7475728155339806")
        .contains("lakeforge_slo_met{job=\"quality-check\",sli=\"Size\"} 0.0");
  }

  @Test
  void aMetricNoRunSavedIsBreachedAsNoRunsAndAMissingRepositoryIsNotFound() throws Exception {
    Launched unsaved =
        slo(
            "7d",
            "- {repository: dq-metrics, metric: Uniqueness, column: customer_id, atLeast: 1}");
    assertThat(unsaved.code()).as(unsaved.all()).isEqualTo(ExitCode.QUALITY_GATE_FAILED);
    assertThat(unsaved.out())
        .containsPattern("Uniqueness\\(customer_id\\)\\s+no runs\\s+objective >= 1\\s+BREACHED");

    Launched typo = slo("7d", "- {repository: dq-metrix, metric: Size, atLeast: 1}");
    assertThat(typo.code()).as("a wrong path is no breach").isEqualTo(ExitCode.USAGE);
    assertThat(typo.out())
        .containsPattern("Size\\s+unreadable\\s+objective >= 1\\s+BREACHED")
        .contains("no metrics repository at file:")
        .contains("dq-metrix");
  }

  @Test
  void aMetricARunSavedAsNaNMeetsNoBoundAndTheRunIsNamed(SparkSession spark) throws Exception {
    MetricsRepository repo = MetricsRepository.files(dir.resolve("nan-metrics").toUri().toString());
    Dataset<Row> constant = spark.range(5).selectExpr("id", "7 AS c");
    for (int day = 0; day < 2; day++) {
      repo.save(
          ResultKey.at(NOW.minus(Duration.ofDays(day)).minusSeconds(60), Map.of()),
          Analysis.onData(day == 1 ? constant : constant.selectExpr("id", "id * 2 AS c"))
              .addAnalyzer(Analyzer.correlation("id", "c"))
              .run());
    }
    Launched nan =
        slo(
            "7d",
            "- {repository: nan-metrics, metric: Correlation, column: \"id,c\", atLeast: 0.5}");
    assertThat(nan.code()).as(nan.all()).isEqualTo(ExitCode.QUALITY_GATE_FAILED);
    assertThat(nan.out())
        .as("the constant column's correlation is NaN, not a missing run")
        .containsPattern("Correlation\\(id,c\\)\\s+NaN\\s+objective >= 0\\.5000\\s+BREACHED")
        .contains(
            "NaN in 1 of 2 run(s), the newest saved at "
                + NOW.minus(Duration.ofDays(1)).minusSeconds(60));
  }

  @Test
  void objectivesOnSeveralMetricsOfOneRepositoryReadItOnce() throws Exception {
    Path copy = dir.resolve("dq-metrics-read-once");
    try (Stream<Path> files = Files.walk(dir.resolve("dq-metrics"))) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(dir.resolve("dq-metrics").relativize(f).toString()));
      }
    }
    Function<String, SloSettings.MetricObjective> on =
        metric ->
            new SloSettings.MetricObjective(
                Location.of(copy),
                metric,
                metric.equals("Size") ? null : "customer_id",
                Map.of("dataset", "orders"),
                0.5,
                null,
                null);
    RepositoryMetricHistory history = new RepositoryMetricHistory();
    Instant from = NOW.minus(Duration.ofDays(7));
    assertThat(history.read(on.apply("Size"), new Configuration(), from, NOW)).hasSize(6);
    try (Stream<Path> files = Files.walk(copy)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
    assertThat(history.read(on.apply("Completeness"), new Configuration(), from, NOW))
        .as("the second objective's values come from the first one's read")
        .hasSize(6);
  }

  @Test
  void twoObjectivesOnOneMetricNeedTheirOwnNames() throws Exception {
    Launched same =
        slo(
            "7d",
            """
            - {repository: dq-metrics, metric: Size, atLeast: 100}
            - {repository: dq-metrics, metric: Size, atMost: 104}
            """);
    assertThat(same.code()).isEqualTo(ExitCode.USAGE);
    assertThat(same.err())
        .contains("two metric objectives named Size")
        .contains("name:")
        .doesNotContain("\tat ");

    Launched named =
        slo(
            "7d",
            """
            - {repository: dq-metrics, metric: Size, atLeast: 101, name: size_floor}
            - {repository: dq-metrics, metric: Size, atMost: 104, name: size_ceiling,
               tags: {dataset: orders}}
            """);
    assertThat(named.out())
        .containsPattern("size_floor\\s+100\\s+objective >= 101\\s+BREACHED")
        .containsPattern("size_ceiling\\s+105\\s+objective <= 104\\s+BREACHED");
  }

  @Test
  void anUnreadableRepositoryIsReportedAndTheOtherIndicatorsAreStillEvaluated() throws Exception {
    Path broken = Files.createDirectories(dir.resolve("broken-metrics"));
    Files.writeString(
        broken.resolve("metrics-" + NOW.minusSeconds(60).toEpochMilli() + "-0a.json"), "{not json");
    Launched r =
        slo(
            "7d",
            """
            - {repository: dq-metrics, metric: Size, atLeast: 100, tags: {dataset: orders}}
            - {repository: broken-metrics, metric: Size, atLeast: 1, name: broken_size}
            """);
    assertThat(r.code()).as(r.all()).isEqualTo(ExitCode.USAGE);
    assertThat(r.out())
        .containsPattern("broken_size\\s+unreadable\\s+objective >= 1\\s+BREACHED")
        .contains("broken-metrics/metrics-")
        .containsPattern("Size\\s+100\\s+objective >= 100\\s+met");
    assertThat(r.err())
        .contains("1 indicator(s) could not be read")
        .contains("is not a saved run")
        .doesNotContain("\tat ");
    assertThat(Files.readString(dir.resolve("metrics/slo.prom")))
        .as("the figures that were read are written all the same")
        .contains("lakeforge_sli{job=\"quality-check\",sli=\"Size\"} 100.0")
        .contains("lakeforge_slo_met{job=\"quality-check\",sli=\"broken_size\"} 0.0");
    try (Stream<Path> reports = Files.list(dir.resolve("own-runs"))) {
      assertThat(reports.filter(f -> f.toString().endsWith(".json")).map(f -> read(f)))
          .as("the failed run's report keeps the figures that were read")
          .anySatisfy(
              report -> {
                assertThat(report.status()).isEqualTo("FAILED");
                assertThat(report.details())
                    .containsEntry("quality-check.Size", 100.0)
                    .containsEntry("errorKind", "VALIDATION");
              });
    }
  }

  private static RunReport read(Path f) {
    try {
      return RunReport.read(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aMetricObjectiveNeedsOneBound() throws Exception {
    Launched r = slo("7d", "- {repository: dq-metrics, metric: Size}\n");
    assertThat(r.code()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err())
        .contains("atLeast")
        .contains("give one bound for Size")
        .doesNotContain("\tat ");
  }
}
