package dev.lakeforge.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.core.job.ExitCode;
import dev.lakeforge.core.job.Launcher;
import dev.lakeforge.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SparkTest
class IcebergJobsTest {
  static final String T = "lake.jobs.orders";
  @TempDir Path dir;
  long s1;
  long s2;

  record Result(int code, String out, String err) {}

  private Result launch(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--set", "run.reportDir=" + dir.resolve("runs")));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new Launcher(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .execute(all.toArray(String[]::new));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @BeforeEach
  void table(SparkSession spark) {
    spark.sql("DROP TABLE IF EXISTS " + T);
    spark.sql("CREATE TABLE " + T + " (id INT) USING iceberg");
    spark.sql("INSERT INTO " + T + " VALUES (1), (2)");
    s1 = LakeTable.of(spark, T).current().snapshotId();
    spark.sql("INSERT INTO " + T + " VALUES (3)");
    s2 = LakeTable.of(spark, T).current().snapshotId();
  }

  @Test
  void timeTravelPrintsHistoryDiffAndExports(SparkSession spark) {
    String export = dir.resolve("export").toString();
    Result r =
        launch(
            "time-travel",
            "--table",
            T,
            "--diff",
            s1 + ":" + s2,
            "--export",
            Long.toString(s1),
            "--to",
            export);
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("History of lake.jobs.orders")
        .contains(Long.toString(s2))
        .contains("append")
        .contains("1 row(s) added, 0 removed")
        .contains("| 3  | added   |");
    assertThat(spark.read().parquet(export).count()).isEqualTo(2);
    Result bad = launch("time-travel", "--table", T, "--diff", "abc");
    assertThat(bad.code()).isEqualTo(ExitCode.USAGE);
    assertThat(bad.err()).contains("expected FROM:TO");

    spark.sql("ALTER TABLE " + T + " CREATE OR REPLACE TAG first_load AS OF VERSION " + s1);
    Result byTag = launch("time-travel", "--table", T, "--diff", "first_load:main");
    assertThat(byTag.code()).as(byTag.err()).isZero();
    assertThat(byTag.out()).contains("1 row(s) added, 0 removed");
    Result unknown = launch("time-travel", "--table", T, "--diff", "first_load:nope");
    assertThat(unknown.code()).as("an unknown ref is the user's mistake").isEqualTo(ExitCode.USAGE);
    assertThat(unknown.err())
        .contains("'nope' is no snapshot id, tag or branch of lake.jobs.orders")
        .contains("first_load, main");
  }

  @Test
  void rollbackDryRunPrintsThePlanAndChangesNothingThenApplyAndUndo(SparkSession spark) {
    Result dry = launch("rollback", "--table", T, "--to-snapshot", Long.toString(s1), "--dry-run");
    assertThat(dry.code()).as(dry.out() + dry.err()).isZero();
    assertThat(dry.out())
        .contains("Rollback of lake.jobs.orders from snapshot " + s2)
        .contains("1 records and 1 files removed");
    assertThat(LakeTable.of(spark, T).current().snapshotId()).isEqualTo(s2);

    Result applied =
        launch(
            "rollback",
            "--table",
            T,
            "--to-snapshot",
            Long.toString(s1),
            "--reason",
            "bad load",
            "--by",
            "ops");
    assertThat(applied.code()).as(applied.out() + applied.err()).isZero();
    assertThat(LakeTable.of(spark, T).current().snapshotId()).isEqualTo(s1);
    assertThat(LakeTable.of(spark, T).rollbackLog().get(0).reason()).isEqualTo("bad load");

    Result undo = launch("rollback", "--table", T, "--undo");
    assertThat(undo.code()).as(undo.out() + undo.err()).isZero();
    assertThat(LakeTable.of(spark, T).current().snapshotId()).isEqualTo(s2);
  }

  @Test
  void rollbackToAMissingSnapshotFailsClearly() {
    Result dry = launch("rollback", "--table", T, "--to-snapshot", "42", "--dry-run");
    assertThat(dry.code()).isEqualTo(ExitCode.USAGE);
    assertThat(dry.out()).contains("snapshot 42 of lake.jobs.orders does not exist");
    Result run = launch("rollback", "--table", T, "--to-snapshot", "42");
    assertThat(run.code())
        .as("an unknown snapshot is the user's mistake")
        .isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).contains("snapshot 42 of lake.jobs.orders does not exist");
    Result none = launch("rollback", "--table", T);
    assertThat(none.code()).isEqualTo(ExitCode.USAGE);
  }
}
