package dev.lakeforge.core.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.core.config.Redactor;
import dev.lakeforge.core.job.ExitCode;
import dev.lakeforge.core.report.Cost;
import dev.lakeforge.core.report.RunMetrics;
import dev.lakeforge.core.report.RunReport;
import dev.lakeforge.testing.Launched;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The slo job on generated run histories whose breaches are known. */
class SloJobTest {
  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

  @TempDir Path dir;

  private void report(String job, int k, String status, double wallSeconds, Instant ended)
      throws Exception {
    new RunReport(
            job,
            job + "-" + k,
            status,
            status.toLowerCase(java.util.Locale.ROOT),
            null,
            null,
            Map.of(),
            "local[2]",
            "client",
            ended.minusSeconds((long) wallSeconds).toString(),
            ended.toString(),
            wallSeconds,
            RunMetrics.NONE,
            Cost.of(3600, 0, 0.25, 0, "USD"),
            null,
            null,
            Map.of())
        .writeTo(dir.resolve("history"), job + "-" + k + ".json", Redactor.global());
  }

  private Path config(String objectives) throws Exception {
    return Files.writeString(
        dir.resolve("slo.yaml"),
        """
        run: {reportDir: own-runs}
        slo:
          reports: history
          window: 28d
          prometheus: metrics/slo.prom
          objectives:
        """
            + objectives.indent(4));
  }

  private Launched slo(Path config, String... more) {
    String[] args = new String[4 + more.length];
    args[0] = "slo";
    args[1] = "--config";
    args[2] = config.toString();
    args[3] = "--now=" + NOW;
    System.arraycopy(more, 0, args, 4, more.length);
    return Launched.run(args);
  }

  @Test
  void aHealthyHistoryMeetsEveryObjective() throws Exception {
    for (int k = 0; k < 100; k++) {
      report("etl", k, "SUCCEEDED", 60 + k % 60, NOW.minus(Duration.ofMinutes(10 + 60L * k)));
    }
    Path config =
        config(
            """
            - {job: etl, successRate: 0.95, durationP95: 5m, freshness: 2h, qualityPassRate: 0.9,
               costPerRun: 1.0}
            """);
    Launched r = slo(config);
    assertThat(r.code()).as(r.all()).isEqualTo(ExitCode.OK);
    assertThat(r.out())
        .contains("etl: 100 run(s) in the window")
        .contains("success_rate")
        .contains("error budget left            100.0%")
        .doesNotContain("BREACHED")
        .doesNotContain("FIRING");
    assertThat(Files.readString(dir.resolve("metrics/slo.prom")))
        .contains("lakeforge_sli{job=\"etl\",sli=\"success_rate\"} 1.0")
        .contains("lakeforge_slo_met{job=\"etl\",sli=\"freshness_seconds\"} 1.0")
        .contains("lakeforge_sli{job=\"etl\",sli=\"freshness_seconds\"} 600.0");
  }

  @Test
  void eachKnownBreachIsReportedWithItsBudgetAndAlertsAndExitsThree() throws Exception {
    // 200 runs, one every 3 hours, the newest 20 minutes ago; the newest three and seven old
    // ones failed (success rate 0.95), twenty quality gates failed (170 of 190 finished passed),
    // wall times 100..299 s (p95 by nearest rank: 289 s)
    for (int k = 0; k < 200; k++) {
      String status =
          k <= 2 || (k >= 50 && k <= 56)
              ? "FAILED"
              : k >= 100 && k < 120 ? "QUALITY_GATE_FAILED" : "SUCCEEDED";
      report("etl", k, status, 100 + k, NOW.minus(Duration.ofMinutes(20 + 180L * k)));
    }
    report("etl", 999, "SUCCEEDED", 50, NOW.minus(Duration.ofDays(40)));
    Files.writeString(dir.resolve("history/etl-1-result.json"), "{\"checks\": []}");
    Files.writeString(dir.resolve("history/broken.json"), "{not json");
    Path config =
        config(
            """
            - {job: etl, successRate: 0.99, durationP95: 4m, freshness: 2h, qualityPassRate: 0.9,
               costPerRun: 1.0}
            - {job: analytics, successRate: 0.99}
            """);
    Launched r = slo(config);
    assertThat(r.code()).as(r.all()).isEqualTo(ExitCode.QUALITY_GATE_FAILED);
    assertThat(r.out())
        .contains("etl: 200 run(s) in the window")
        .containsPattern("success_rate +0\\.9500 +objective >= 0\\.9900 +BREACHED")
        .containsPattern("duration_p95_seconds +289 +objective <= 240 +BREACHED")
        .containsPattern("freshness_seconds +33600 +objective <= 7200 +BREACHED")
        .containsPattern("quality_pass_rate +0\\.8947 +objective >= 0\\.9000 +BREACHED")
        .containsPattern("cost_per_run +0\\.2500 +objective <= 1 +met")
        .contains("error budget left           -400.0%")
        .contains("burn rate 1h/5m  100.0/0.0 (fires at 14.4000)  quiet")
        .contains("burn rate 6h/30m  100.0/100.0 (fires at 6)  FIRING page")
        .contains("burn rate 3d/6h  12.5/100.0 (fires at 1)  FIRING ticket")
        .contains("analytics: 0 run(s) in the window")
        .containsPattern("success_rate +no runs +objective >= 0\\.9900 +BREACHED");
    assertThat(r.all()).contains("SLO breached: etl, analytics").doesNotContain("\tat ");
    String prom = Files.readString(dir.resolve("metrics/slo.prom"));
    assertThat(prom)
        .contains(
            "lakeforge_slo_alert_firing{job=\"etl\",severity=\"page\",windows=\"6h/30m\"} 1.0")
        .contains("lakeforge_slo_alert_firing{job=\"etl\",severity=\"page\",windows=\"1h/5m\"} 0.0")
        .contains("lakeforge_slo_error_budget_remaining{job=\"etl\"} -4.0")
        .contains("lakeforge_slo_met{job=\"etl\",sli=\"cost_per_run\"} 1.0");
  }

  @Test
  void anIndicatorThatCannotBeReadIsReportedAndTheRestIsStillEvaluated() throws Exception {
    for (int k = 0; k < 10; k++) {
      report("etl", k, "SUCCEEDED", 60, NOW.minus(Duration.ofHours(1 + k)));
    }
    // core alone has no reader of a metrics repository: lakeforge-quality provides it
    Path config =
        config(
            """
            - job: quality-check
              metrics: [{repository: dq-metrics, metric: Size, atLeast: 1}]
            - {job: etl, successRate: 0.99}
            """);
    Launched r = slo(config);
    assertThat(r.code()).as(r.all()).isEqualTo(ExitCode.USAGE);
    assertThat(r.out())
        .containsPattern("Size +unreadable +objective >= 1 +BREACHED")
        .contains("metric objectives need lakeforge-quality on the class path")
        .containsPattern("success_rate +1 +objective >= 0\\.9900 +met");
    assertThat(r.err()).contains("1 indicator(s) could not be read").doesNotContain("\tat ");
    assertThat(Files.readString(dir.resolve("metrics/slo.prom")))
        .contains("lakeforge_slo_met{job=\"quality-check\",sli=\"Size\"} 0.0")
        .contains("lakeforge_slo_met{job=\"etl\",sli=\"success_rate\"} 1.0");
  }

  @Test
  void badSettingsNameTheirKeyAndExitTwo() throws Exception {
    Files.createDirectories(dir.resolve("history"));
    Launched ratio = slo(config("- {job: etl, successRate: 1.5}\n"));
    assertThat(ratio.code()).isEqualTo(ExitCode.USAGE);
    assertThat(ratio.err()).contains("successRate").contains("(0, 1]").doesNotContain("\tat ");

    Launched window = slo(config("- {job: etl, freshness: two hours}\n"));
    assertThat(window.code()).isEqualTo(ExitCode.USAGE);
    assertThat(window.err()).contains("freshness").contains("got 'two hours'");

    Launched now =
        Launched.run(
            "slo",
            "--config",
            config("- {job: etl, successRate: 0.9}\n").toString(),
            "--now=yesterday");
    assertThat(now.code()).isEqualTo(ExitCode.USAGE);
    assertThat(now.err()).contains("--now: expected an instant");
  }
}
