package dev.lakeforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A user's mistake in what a job is given — a suite that does not fit the data, an input that is
 * not there or not readable, a rollback that cannot be — is exit code 2 and one line naming the
 * file, line, key, path or table and why, with Spark's reason when Spark found it; no stack trace.
 * And what is not a mistake (a column named {@code order.id}) works.
 */
@SparkTest
class UserMistakesTest {
  private static Path dir;
  private static Path orders;

  @BeforeAll
  static void data(SparkSession spark, TestWarehouse w) throws IOException {
    dir = w.dir();
    orders = w.resolve("orders");
    spark
        .sql(
            "SELECT id, CAST(id AS STRING) AS `order.id`, IF(id % 2 = 0, 'PAID', 'NEW') AS status,"
                + " id * 1.5 AS amount FROM range(1, 21)")
        .write()
        .parquet(orders.toString());
    Files.createDirectories(w.resolve("empty"));
    Path truncated = Files.createDirectories(w.resolve("truncated"));
    try (Stream<Path> parts = Files.list(orders)) {
      Path part =
          parts
              .filter(p -> p.getFileName().toString().endsWith(".parquet"))
              .findFirst()
              .orElseThrow();
      byte[] bytes = Files.readAllBytes(part);
      Files.write(truncated.resolve("part-0.parquet"), Arrays.copyOf(bytes, bytes.length / 2));
    }
    spark.sql("CREATE NAMESPACE IF NOT EXISTS lake.mistakes");
    spark.sql("CREATE TABLE IF NOT EXISTS lake.mistakes.t (id BIGINT) USING iceberg");
    spark.sql("INSERT INTO lake.mistakes.t VALUES (1)");
  }

  static Launched launch(List<String> args) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--set", "run.reportDir=" + dir.resolve("runs")));
    return Launched.run(all);
  }

  private static Path suite(String name, String constraint) throws IOException {
    return Files.writeString(
        dir.resolve(name + ".yaml"),
        "checks:\n  - description: c\n    constraints:\n"
            + "      - isComplete: id\n      - "
            + constraint
            + "\n");
  }

  static Stream<Arguments> suites() {
    return Stream.of(
        Arguments.of(
            "syntax", "satisfies: {predicate: \"amount >\", name: p}", "[PARSE_SYNTAX_ERROR]"),
        Arguments.of("where", "hasSize: {assertion: \">= 1\", where: \"amout > 0\"}", "amout"),
        Arguments.of(
            "random", "satisfies: {predicate: \"rand() < 0.5\", name: coin}", "not deterministic"),
        Arguments.of(
            "string-mean",
            "hasMean: {column: status, assertion: \"> 0\"}",
            "needs a numeric column"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("suites")
  void aSuiteThatDoesNotFitTheDataIsExitTwoWithFileLineAndSparksReason(
      String name, String constraint, String why) throws IOException {
    Path suite = suite(name, constraint);
    for (boolean dryRun : List.of(false, true)) {
      List<String> args =
          new ArrayList<>(
              List.of("quality-check", "--suite", suite.toString(), "--input", orders.toString()));
      if (dryRun) {
        args.add("--dry-run");
      }
      Launched r = launch(args);
      assertThat(r.code()).as(r.all()).isEqualTo(2);
      assertThat(r.all())
          .as(args.toString())
          .contains(name + ".yaml:5:")
          .contains(why)
          .doesNotContain("\tat ")
          .doesNotContain("does not work on the data: \n");
    }
  }

  @Test
  void aColumnNamedWithADotIsThatColumn() throws IOException {
    Path suite =
        Files.writeString(
            dir.resolve("dotted.yaml"),
            """
        checks:
          - description: dotted
            constraints:
              - isComplete: order.id
              - isUnique: order.id
              - hasMaxLength: {column: order.id, assertion: "<= 2"}
        """);
    Launched r =
        launch(
            List.of(
                "quality-check",
                "--suite",
                suite.toString(),
                "--input",
                orders.toString(),
                "--bad-out",
                dir.resolve("dotted-bad").toString()));
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).contains("Verification SUCCESS");
  }

  static Stream<Arguments> inputs() {
    return Stream.of(
        Arguments.of("missing", "there is nothing at"),
        Arguments.of("empty", "holds no data files"),
        Arguments.of("truncated", "part-0.parquet"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void anInputThatIsNotThereOrNotReadableIsOneLineNamingItExitTwo(String folder, String why)
      throws IOException {
    Path suite = suite("input-" + folder, "isComplete: status");
    Path input = dir.resolve(folder);
    Launched r =
        launch(List.of("quality-check", "--suite", suite.toString(), "--input", input.toString()));
    assertThat(r.code()).as(r.all()).isEqualTo(2);
    assertThat(r.errorLines())
        .as(r.all())
        .singleElement()
        .asString()
        .contains(input.toString())
        .contains(why);
    assertThat(r.err()).doesNotContain("\tat ");
  }

  @Test
  void aRollbackThatCannotBeIsAUsageError() {
    for (List<String> args :
        List.of(
            List.of("rollback", "--table", "lake.mistakes.t", "--undo"),
            List.of("rollback", "--table", "lake.mistakes.t", "--to-snapshot", "42"),
            List.of(
                "rollback",
                "--table",
                "lake.mistakes.t",
                "--to-timestamp",
                "2000-01-01T00:00:00Z"))) {
      Launched r = launch(args);
      assertThat(r.code()).as(args + "\n" + r.all()).isEqualTo(2);
      assertThat(r.errorLines()).as(r.all()).singleElement().asString().contains("lake.mistakes.t");
      assertThat(r.err()).doesNotContain("\tat ");
    }
    Launched dry = launch(List.of("rollback", "--table", "lake.mistakes.t", "--undo", "--dry-run"));
    assertThat(dry.code())
        .as("a dry run finds what the run would refuse\n" + dry.all())
        .isEqualTo(2);
    assertThat(dry.out()).contains("table lake.mistakes.t has no rollback to undo");
  }
}
