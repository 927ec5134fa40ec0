package dev.lakeforge.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lakeforge.core.job.ExitCode;
import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.SparkTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes a run's metrics to a real Prometheus Pushgateway (Debian's prometheus-pushgateway, which
 * .ci/run installs); skipped where the binary is not installed.
 */
@SparkTest
class PushgatewayTest {
  private static final Path BINARY = Path.of("/usr/bin/prometheus-pushgateway");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static Process gateway;
  private static int port;

  @TempDir Path dir;

  @BeforeAll
  static void startGateway() throws Exception {
    assumeTrue(Files.isExecutable(BINARY), "prometheus-pushgateway is not installed");
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    gateway =
        new ProcessBuilder(BINARY.toString(), "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (get("/-/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException(
        "the Pushgateway did not answer on port " + port + " within 120 s");
  }

  @AfterAll
  static void stopGateway() {
    if (gateway != null) {
      gateway.destroy();
    }
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void jobRunPushesItsFiguresToThePushgateway() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("job.yaml"),
            String.format(
                Locale.ROOT,
                """
        run: {team: payments, reportDir: %s}
        cost: {pricePerCoreHour: 1.5}
        metrics: {pushgateway: "http://127.0.0.1:%d", pushJob: nightly}
        """,
                dir.resolve("runs"),
                port));
    Launched r = Launched.run("test-gate", "--outcome", "pass", "--config", config.toString());
    assertThat(r.code()).as(r.all()).isEqualTo(ExitCode.OK);
    String metrics = get("/metrics").body();
    assertThat(metrics)
        .containsPattern(
            "lakeforge_run_success\\{[^}]*job=\"nightly\"[^}]*lakeforge_job=\"test-gate\"[^}]*team=\"payments\"[^}]*} 1");
    assertThat(metrics).contains("lakeforge_run_cost{").contains("lakeforge_run_core_hours{");
  }
}
