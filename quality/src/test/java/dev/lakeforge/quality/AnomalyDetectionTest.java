package dev.lakeforge.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Each strategy on synthetic histories with known anomalies: it flags them and only them. */
@SparkTest
class AnomalyDetectionTest {
  private static List<Integer> flagged(AnomalyStrategy s, double[] series, int from, int to) {
    return s.detect(series, from, to).stream().map(Anomaly::index).toList();
  }

  private static double[] noise(int n, double mean, double sd, long seed) {
    Random r = new Random(seed);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = mean + sd * r.nextGaussian();
    }
    return out;
  }

  @Test
  void simpleThresholds() {
    double[] s = {5, 6, 5, 100, 5, -1};
    assertThat(flagged(AnomalyStrategy.simpleThresholds(0, 10), s, 0, s.length))
        .containsExactly(3, 5);
  }

  @Test
  void absoluteChangeOfFirstAndSecondOrder() {
    double[] s = {10, 11, 12, 20, 21, 22};
    assertThat(flagged(AnomalyStrategy.absoluteChange(-2, 2), s, 0, s.length)).containsExactly(3);
    double[] accelerating = {1, 2, 3, 4, 10, 16}; // second differences: 0, 0, 5, 0
    assertThat(
            flagged(AnomalyStrategy.absoluteChange(-1, 1, 2), accelerating, 0, accelerating.length))
        .containsExactly(4);
  }

  @Test
  void relativeRateOfChangeWithOrder() {
    double[] s = {100, 101, 99, 150, 148, 60};
    assertThat(flagged(AnomalyStrategy.relativeRateOfChange(0.8, 1.2), s, 0, s.length))
        .containsExactly(3, 5);
    double[] weekly = {100, 50, 100, 52, 101, 51, 300}; // against two points before
    assertThat(flagged(AnomalyStrategy.relativeRateOfChange(0.8, 1.2, 2), weekly, 2, weekly.length))
        .containsExactly(6);
  }

  @Test
  void onlineNormalFlagsOnlyTheSpike() {
    double[] s = noise(60, 100, 1, 7);
    s[40] = 120;
    assertThat(flagged(AnomalyStrategy.onlineNormal(), s, 0, s.length)).containsExactly(40);
  }

  @Test
  void batchNormalJudgesTheIntervalAgainstTheRest() {
    double[] s = noise(33, 50, 2, 11);
    s[31] = 80;
    assertThat(flagged(AnomalyStrategy.batchNormal(), s, 30, 33)).containsExactly(31);
    assertThatThrownBy(() -> AnomalyStrategy.batchNormal().detect(new double[] {1, 2}, 1, 2))
        .hasMessageContaining("needs at least 2 points of history");
  }

  @Test
  void rollingZScoreAgainstTheRecentWindow() {
    double[] s = noise(40, 20, 0.5, 5);
    s[30] = 26; // a jump in the per-batch mean
    for (int i = 35; i < 40; i++) {
      s[i] += 10; // a level shift: flagged when it starts, then it becomes the new normal
    }
    List<Integer> flagged = flagged(AnomalyStrategy.rollingZScore(10, 4), s, 10, s.length);
    assertThat(flagged).contains(30, 35).doesNotContain(39);
    assertThat(flagged(AnomalyStrategy.rollingZScore(10, 4), noise(40, 20, 0.5, 9), 10, 40))
        .isEmpty();
  }

  @Test
  void holtWintersFollowsAWeeklyPatternAndFlagsTheOddDay() {
    double[] weekday = {100, 105, 103, 108, 110, 60, 55};
    Random r = new Random(3);
    int weeks = 9;
    double[] s = new double[weeks * 7];
    int from = 8 * 7;
    for (int i = 0; i < s.length; i++) {
      // noisy history; the judged week follows the pattern and trend exactly
      s[i] = weekday[i % 7] + 0.5 * i / 7 + (i < from ? r.nextGaussian() : 0);
    }
    assertThat(flagged(AnomalyStrategy.holtWintersDaily(), s, from, s.length)).isEmpty();
    s[from + 5] = 110; // a Saturday as busy as a weekday
    assertThat(flagged(AnomalyStrategy.holtWintersDaily(), s, from, s.length))
        .containsExactly(from + 5);
    assertThatThrownBy(() -> AnomalyStrategy.holtWintersDaily().detect(s, 10, 11))
        .hasMessageContaining("needs at least 14 points of history");
  }

  @Test
  void anomalyCheckComparesTodayWithTheRepositoryAndSavesTheRun(
      SparkSession spark, TestWarehouse w) {
    MetricsRepository repo = MetricsRepository.files(w.resolve("dq-anomaly").toUri().toString());
    Instant day0 = Instant.parse("2026-11-01T00:00:00Z");
    for (int day = 0; day < 10; day++) {
      repo.save(
          ResultKey.at(day0.plusSeconds(86_400L * day), Map.of("dataset", "orders")),
          Analysis.onData(spark.range(100 + day).toDF()).addAnalyzer(Analyzer.size()).run());
    }
    ResultKey today = ResultKey.at(day0.plusSeconds(86_400L * 10), Map.of("dataset", "orders"));
    VerificationResult normal =
        Verification.onData(spark.range(112).toDF())
            .saveMetricsTo(repo, today)
            .addAnomalyCheck(AnomalyStrategy.relativeRateOfChange(0.5, 2.0), Analyzer.size())
            .run();
    assertThat(normal.status()).isEqualTo(CheckStatus.SUCCESS);
    assertThat(repo.load(MetricsQuery.tagged("dataset", "orders"))).hasSize(11);

    ResultKey tomorrow = ResultKey.at(day0.plusSeconds(86_400L * 11), Map.of("dataset", "orders"));
    VerificationResult spike =
        Verification.onData(spark.range(500).toDF())
            .saveMetricsTo(repo, tomorrow)
            .addCheck(Check.error("rows").hasSize(n -> n > 0))
            .addAnomalyCheck(AnomalyStrategy.relativeRateOfChange(0.5, 2.0), Analyzer.size())
            .run();
    assertThat(spike.status()).isEqualTo(CheckStatus.WARNING);
    assertThat(spike.checkResults())
        .extracting(c -> c.check().isAnomalyCheck())
        .as("typed, not told by the description")
        .containsExactly(false, true);
    ConstraintResult k = spike.checkResults().get(1).constraints().get(0);
    assertThat(k.passed()).isFalse();
    assertThat(k.message()).contains("rate of change").contains("history of 11 run(s)");
    assertThatThrownBy(
            () ->
                Verification.onData(spark.range(1).toDF())
                    .addAnomalyCheck(AnomalyStrategy.onlineNormal(), Analyzer.size())
                    .run())
        .hasMessageContaining("need a metrics repository");
  }
}
