package dev.lakeforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A table, namespace or catalog that does not exist is the user's mistake, for every job that reads
 * one, in a run and in a dry run: exit code 2 and one line naming it, no stack trace.
 */
@SparkTest
class MissingTableTest {
  private static Path suite;
  private static Path stream;
  private static Path reports;

  @BeforeAll
  static void files(TestWarehouse w) throws IOException {
    reports = w.resolve("runs");
    suite =
        Files.writeString(
            w.resolve("suite.yaml"),
            "checks:\n  - description: c\n    constraints:\n      - isComplete: id\n");
    stream =
        Files.writeString(
            w.resolve("stream.yaml"),
            """
        stream-quality:
          kafka: {bootstrapServers: "127.0.0.1:9", topics: [t]}
          schema: "id BIGINT"
          deadLetterTopic: dlq
          table: lake.nowhere.orders
          checkpoint: checkpoint
        """);
  }

  static Stream<Arguments> jobs() {
    return Stream.of(
        Arguments.of(
            List.of("quality-check", "--suite", "SUITE", "--input", "lake.nowhere.orders"),
            "lake.nowhere.orders"),
        Arguments.of(List.of("profile", "--input", "lake.nowhere.orders"), "lake.nowhere.orders"),
        Arguments.of(
            List.of("time-travel", "--table", "lake.nowhere.orders"), "lake.nowhere.orders"),
        Arguments.of(
            List.of("rollback", "--table", "lake.nowhere.orders", "--undo"), "lake.nowhere.orders"),
        Arguments.of(
            List.of("table-maintenance", "--table", "lake.nowhere.orders"), "lake.nowhere.orders"),
        Arguments.of(
            List.of("backup", "--table", "lake.nowhere.orders", "--to", "backups/x"),
            "lake.nowhere.orders"),
        Arguments.of(
            List.of("backup", "--table", "nocatalog.sales.orders", "--to", "backups/x"),
            "nocatalog"),
        Arguments.of(List.of("stream-quality", "--config", "STREAM"), "lake.nowhere.orders"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jobs")
  void aMissingTableIsExitTwoWithOneLineNamingIt(List<String> args, String named) {
    for (boolean dryRun : List.of(false, true)) {
      List<String> all =
          new ArrayList<>(
              args.stream()
                  .map(
                      a ->
                          a.equals("SUITE")
                              ? suite.toString()
                              : a.equals("STREAM") ? stream.toString() : a)
                  .toList());
      if (dryRun) {
        all.add("--dry-run");
      }
      all.addAll(List.of("--set", "run.reportDir=" + reports));
      Launched r = Launched.run(all);
      String printed = r.all();
      assertThat(r.code()).as(all + "\n" + printed).isEqualTo(2);
      assertThat(printed)
          .as(all.toString())
          .contains(named)
          .doesNotContain("\tat ")
          .doesNotContain("Exception");
    }
  }
}
