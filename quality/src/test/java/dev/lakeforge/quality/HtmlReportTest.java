package dev.lakeforge.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lakeforge.testing.SharedSpark;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The HTML data docs, self-contained, rendered by a real headless Chromium (Debian's package). */
@SparkTest
class HtmlReportTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private static String report(SparkSession spark, TestWarehouse w) {
    Dataset<Row> df =
        spark.sql(
            "SELECT * FROM VALUES (1, 'NEW', 10.0D), (2, 'PAID', NULL), (3, 'LOST', 30.0D)"
                + " AS t(id, status, amount)");
    MetricsRepository repo = MetricsRepository.files(w.resolve("dq-history").toUri().toString());
    Instant day0 = Instant.parse("2026-11-01T00:00:00Z");
    for (int d = 0; d < 6; d++) {
      repo.save(
          ResultKey.at(day0.plusSeconds(86_400L * d), Map.of("dataset", "orders")),
          Analysis.onData(spark.range(2 + d % 3).toDF()).addAnalyzer(Analyzer.size()).run());
    }
    Verification v =
        Verification.onData(df)
            .addCheck(
                Check.error("orders <basics>")
                    .isComplete("amount")
                    .isContainedIn("status", "NEW", "PAID")
                    .isUnique("id"))
            .addAnalyzer(Analyzer.size());
    VerificationResult r = v.run();
    return HtmlReport.of(r)
        .title("Quality of orders")
        .failingRows(v.split().bad(), 20)
        .history(repo, MetricsQuery.tagged("dataset", "orders"))
        .render();
  }

  @Test
  void pageIsSelfContainedAndEscaped(SparkSession spark, TestWarehouse w) {
    String html = report(spark, w);
    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .contains("<style>")
        .contains("<svg")
        .contains("orders &lt;basics&gt;")
        .doesNotContain("orders <basics>");
    assertThat(html)
        .doesNotContainPattern("(src|href)\\s*=\\s*\"?(https?:)?//")
        .doesNotContain("<script")
        .doesNotContain("<link")
        .doesNotContain("@import");
  }

  @Test
  void chromiumRendersTheReportWithTheExpectedText(SparkSession spark, TestWarehouse w)
      throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM), "chromium is not installed (apt-get install chromium)");
    Path page =
        Files.writeString(w.resolve("report.html"), report(spark, w), StandardCharsets.UTF_8);
    Path artifacts =
        Files.createDirectories(SharedSpark.root().getParent().resolve("test-artifacts"));
    Path screenshot = artifacts.resolve("quality-report.png");
    Path profile = Files.createTempDirectory(w.dir(), "chromium-");
    List<String> flags =
        List.of(
            CHROMIUM.toString(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--user-data-dir=" + profile,
            "--window-size=1280,1800");
    String dom = run(append(flags, "--dump-dom", page.toUri().toString()));
    assertThat(dom)
        .contains("Quality of orders")
        .contains("Overall status")
        .contains("ERROR")
        .contains("isComplete(amount)")
        .contains("Value: 0.6666666666666666 does not meet the constraint requirement")
        .contains("Sample failing rows")
        .contains("orders &lt;basics&gt;: isContainedIn(status, [NEW, PAID])")
        .contains("Metric history")
        .contains("Size of *");
    run(append(flags, "--screenshot=" + screenshot, page.toUri().toString()));
    assertThat(screenshot).exists();
    assertThat(Files.size(screenshot)).isGreaterThan(10_000);
  }

  private static List<String> append(List<String> base, String... more) {
    List<String> out = new ArrayList<>(base);
    out.addAll(List.of(more));
    return out;
  }

  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("chromium finished in 180 s").isTrue();
    return new String(out, StandardCharsets.UTF_8);
  }
}
