package dev.lakeforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.core.job.ExitCode;
import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The slo job's freshness read from an Iceberg table's newest commit, not from run reports. */
@SparkTest
class SloTableFreshnessTest {
  @TempDir Path dir;

  private Path config(String objective) throws Exception {
    Files.createDirectories(dir.resolve("runs"));
    return Files.writeString(
        dir.resolve("slo.yaml"),
        """
        slo:
          reports: runs
          objectives:
        """
            + objective.indent(4));
  }

  @Test
  void freshnessIsTheTimeSinceTheTablesNewestCommit(SparkSession spark) throws Exception {
    spark.sql("CREATE TABLE lake.slo_fresh.orders (id BIGINT) USING iceberg");
    spark.sql("INSERT INTO lake.slo_fresh.orders VALUES (1)");
    spark.sql("INSERT INTO lake.slo_fresh.orders VALUES (2)");
    Instant newest =
        spark
            .sql("SELECT max(committed_at) FROM lake.slo_fresh.orders.snapshots")
            .first()
            .getTimestamp(0)
            .toInstant();
    Path config = config("- {job: load-orders, table: lake.slo_fresh.orders, freshness: 2h}");

    Launched late =
        Launched.run(
            "slo", "--config", config.toString(), "--now=" + newest.plus(Duration.ofHours(3)));
    assertThat(late.code()).as(late.all()).isEqualTo(ExitCode.QUALITY_GATE_FAILED);
    assertThat(late.out())
        .as("no run report of the job is needed: the table says when data last landed")
        .containsPattern("freshness_seconds\\s+10800\\s+objective <= 7200\\s+BREACHED")
        .contains("SLO breached: load-orders");

    Launched inTime =
        Launched.run(
            "slo", "--config", config.toString(), "--now=" + newest.plus(Duration.ofHours(1)));
    assertThat(inTime.code()).as(inTime.all()).isZero();
    assertThat(inTime.out())
        .containsPattern("freshness_seconds\\s+3600\\s+objective <= 7200\\s+met");

    Launched before =
        Launched.run(
            "slo", "--config", config.toString(), "--now=" + newest.minus(Duration.ofDays(1)));
    assertThat(before.code()).as(before.all()).isEqualTo(ExitCode.QUALITY_GATE_FAILED);
    assertThat(before.out())
        .as("before its first commit the table has no data to be fresh")
        .containsPattern("freshness_seconds\\s+no data\\s+objective <= 7200\\s+BREACHED");
  }

  @Test
  void aTableWithoutFreshnessIsExitTwoNamingTheKey() throws Exception {
    Launched noObjective =
        Launched.run(
            "slo", "--config", config("- {job: load, table: lake.slo_fresh.none}").toString());
    assertThat(noObjective.code()).isEqualTo(ExitCode.USAGE);
    assertThat(noObjective.err()).contains("table").contains("give freshness too");
  }

  @Test
  void aMissingTableIsReportedAndTheOtherObjectivesAreStillEvaluatedAndWritten(SparkSession spark)
      throws Exception {
    spark.sql("CREATE TABLE lake.slo_fresh.present (id BIGINT) USING iceberg");
    spark.sql("INSERT INTO lake.slo_fresh.present VALUES (1)");
    Path config =
        config(
            """
            - {job: load, table: lake.slo_fresh.missing, freshness: 1h}
            - {job: present, table: lake.slo_fresh.present, freshness: 1h}
            """);
    Files.writeString(
        config, Files.readString(config).replace("slo:\n", "slo:\n  prometheus: slo.prom\n"));

    Launched r = Launched.run("slo", "--config", config.toString());
    assertThat(r.code()).as(r.all()).isEqualTo(ExitCode.USAGE);
    assertThat(r.out())
        .containsPattern("freshness_seconds\\s+unreadable\\s+objective <= 3600\\s+BREACHED")
        .contains("lake.slo_fresh.missing")
        .as("one objective that cannot be read does not hide the others")
        .containsPattern(
            "present: 0 run\\(s\\) in the window\\s+freshness_seconds\\s+\\d[^\\n]* met");
    assertThat(r.err())
        .contains("1 indicator(s) could not be read")
        .contains("lake.slo_fresh.missing")
        .doesNotContain("\tat ");
    assertThat(Files.readString(dir.resolve("slo.prom")))
        .contains("lakeforge_slo_met{job=\"load\",sli=\"freshness_seconds\"} 0.0")
        .contains("lakeforge_slo_met{job=\"present\",sli=\"freshness_seconds\"} 1.0");
  }
}
