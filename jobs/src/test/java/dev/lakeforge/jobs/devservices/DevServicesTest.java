package dev.lakeforge.jobs.devservices;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.core.job.ExitCode;
import dev.lakeforge.testing.Launched;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lakeforge dev-services up|status|down}: real services a client can use, then none. */
class DevServicesTest {
  @TempDir Path dir;

  @Test
  void upStartsServicesClientsCanUseAndDownStopsExactlyThose() throws Exception {
    int kafka = freePort();
    int postgres = freePort();
    int nessie = freePort();
    int s3 = freePort();
    List<String> common =
        List.of(
            "--set", "dev-services.dir=" + dir.resolve("services"),
            "--set", "dev-services.kafkaPort=" + kafka,
            "--set", "dev-services.postgresPort=" + postgres,
            "--set", "dev-services.nessiePort=" + nessie,
            "--set", "dev-services.s3Port=" + s3,
            "--set", "run.reportDir=" + dir.resolve("runs"));
    CompletableFuture<Launched> first = CompletableFuture.supplyAsync(() -> launch("up", common));
    Path services = dir.resolve("services");
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!Files.exists(services.resolve("pid")) && !first.isDone()) {
      assertThat(System.nanoTime()).as("the first up wrote its pid").isLessThan(deadline);
      Thread.sleep(50);
    }
    // a second up while the first is still starting waits for the same services
    Launched whileStarting = launch("up", common);
    Launched up = first.get(6, TimeUnit.MINUTES);
    Launched down;
    try {
      assertThat(up.code()).as(up.all()).isEqualTo(ExitCode.OK);
      assertThat(whileStarting.code()).as(whileStarting.all()).isEqualTo(ExitCode.OK);
      assertThat(whileStarting.out())
          .containsAnyOf("are starting", "already run")
          .contains("kafka.bootstrapServers: 127.0.0.1:" + kafka);
      assertThat(up.out())
          .contains("kafka.bootstrapServers: 127.0.0.1:" + kafka)
          .contains("jdbc:postgresql://127.0.0.1:" + postgres + "/lakeforge")
          .contains("endpoint: http://127.0.0.1:" + s3)
          .contains("uri: \"http://127.0.0.1:" + nessie + "/api/v2\"");

      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafka))) {
        admin.createTopics(List.of(new NewTopic("dev-check", 1, (short) 1))).all().get();
        assertThat(admin.listTopics().names().get()).contains("dev-check");
      }
      try (Connection c =
              DriverManager.getConnection(
                  "jdbc:postgresql://127.0.0.1:" + postgres + "/lakeforge",
                  "lakeforge",
                  "dev-password");
          ResultSet r = c.createStatement().executeQuery("SELECT current_user")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString(1)).isEqualTo("lakeforge");
      }
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> config =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nessie + "/api/v2/config"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(config.body()).contains("defaultBranch");

      Launched again = launch("up", common);
      assertThat(again.out()).contains("already run");
      Launched status = launch("status", common);
      assertThat(status.out()).contains("kafka").contains("answers").doesNotContain("DOES NOT");
    } finally {
      down = launch("down", common);
    }
    assertThat(down.code()).as(down.all()).isEqualTo(ExitCode.OK);
    assertThat(down.out()).contains("stopped kafka, postgres, nessie, s3");
    for (int port : List.of(kafka, postgres, nessie, s3)) {
      try (ServerSocket free = new ServerSocket(port)) {
        assertThat(free.getLocalPort()).as("port %d is free again", port).isEqualTo(port);
      }
    }
    assertThat(launch("status", common).out()).contains("not running");
    assertThat(launch("down", common).out()).contains("nothing to stop");
  }

  @Test
  void aBusyPortIsAUsageErrorNamingTheServiceAndTheSetting() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      Launched up =
          launch(
              "up",
              List.of(
                  "--set", "dev-services.dir=" + dir.resolve("busy"),
                  "--set", "dev-services.services=[kafka]",
                  "--set", "dev-services.kafkaPort=" + taken.getLocalPort(),
                  "--set", "run.reportDir=" + dir.resolve("runs")));
      assertThat(up.code()).isEqualTo(ExitCode.USAGE);
      assertThat(up.err())
          .contains("port " + taken.getLocalPort() + " for kafka is in use")
          .contains("dev-services.kafkaPort")
          .doesNotContain("\tat ");
    }
  }

  private static Launched launch(String action, List<String> options) {
    List<String> args = new ArrayList<>(List.of("dev-services", action));
    args.addAll(options);
    return Launched.run(args);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
