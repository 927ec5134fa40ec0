package dev.lakeforge.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.core.job.ExitCode;
import dev.lakeforge.iceberg.LakeTable;
import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: {@code lakeforge demo}, on the shared session's catalog. */
@SparkTest
class DemoJobTest {
  private static final long ORDERS = 5_000;
  private static final long EVENTS = 8_000;
  private static final String NS = "lake.demo_tour";

  @TempDir Path dir;

  private Launched demo(String... extra) {
    String[] args = {
      "demo",
      "--set",
      "demo.orders=" + ORDERS,
      "--set",
      "demo.events=" + EVENTS,
      "--set",
      "demo.namespace=" + NS,
      "--set",
      "demo.output=" + dir.resolve("demo"),
      "--set",
      "run.reportDir=" + dir.resolve("runs")
    };
    String[] all = new String[args.length + extra.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(extra, 0, all, args.length, extra.length);
    return Launched.run(all);
  }

  @Test
  void demoQuarantinesEveryPlantedDefectRollsBackTheReplayedLoadAndWritesItsReports(
      SparkSession spark) throws Exception {
    long badOrders =
        SampleData.planted(ORDERS, 250, 7)
            + SampleData.planted(ORDERS, 400, 13)
            + SampleData.planted(ORDERS, 500, 21)
            + SampleData.planted(ORDERS, 1000, 99);
    long badEvents = SampleData.planted(EVENTS, 300, 17) + SampleData.planted(EVENTS, 700, 33);
    for (int attempt = 1; attempt <= 2; attempt++) {
      Launched r = demo();
      assertThat(r.code()).as(r.all()).isEqualTo(ExitCode.OK);
      assertThat(r.out())
          .contains(NS + ".orders_quarantine: " + badOrders + " rows, with their reasons:")
          .contains(NS + ".events_quarantine: " + badEvents + " rows, with their reasons:")
          .contains("undoes 1 snapshot(s)")
          .contains("the gate on " + NS + ".orders: SUCCESS")
          .contains("bin/lakeforge time-travel --table " + NS + ".orders");
      assertThat(r.err()).doesNotContain("\tat ");
    }
    assertThat(spark.table(NS + ".orders_quarantine").count()).isEqualTo(badOrders);
    assertThat(spark.table(NS + ".orders").count()).isEqualTo(ORDERS - badOrders);
    assertThat(spark.table(NS + ".events").count()).isEqualTo(EVENTS - badEvents);
    assertThat(spark.table(NS + ".orders").where("amount < 0 OR customer_id IS NULL").count())
        .isZero();
    LakeTable orders = LakeTable.of(spark, NS + ".orders");
    assertThat(orders.history()).hasSize(2);
    assertThat(orders.rollbackLog()).hasSize(1);
    assertThat(spark.sql("SELECT sum(orders) FROM " + NS + ".daily_revenue").first().getLong(0))
        .isEqualTo(spark.table(NS + ".orders").where("status <> 'CANCELLED'").count());
    assertThat(Files.readString(dir.resolve("demo/quality-report.html")))
        .contains("isComplete(customer_id)");
    try (var reports = Files.list(dir.resolve("runs"))) {
      assertThat(reports.filter(p -> p.getFileName().toString().startsWith("demo-")).count())
          .isEqualTo(2);
    }

    Launched check =
        Launched.run(
            "quality-check",
            "--suite",
            dir.resolve("demo/suggested-suite.yaml").toString(),
            "--input",
            NS + ".events",
            "--set",
            "run.reportDir=" + dir.resolve("runs"));
    assertThat(check.code()).as("the suggested suite fits the data: " + check.all()).isZero();
  }

  @Test
  void dryRunNamesTheStepsAndWritesNothing() {
    Launched r = demo("--dry-run");
    assertThat(r.code()).as(r.all()).isEqualTo(ExitCode.OK);
    assertThat(r.out()).contains("roll it back").contains("No problems found.");
    assertThat(dir.resolve("demo")).doesNotExist();
  }

  @Test
  void tooFewOrdersIsAUsageErrorNamingTheKey() {
    Launched r = Launched.run("demo", "--set", "demo.orders=10");
    assertThat(r.code()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("demo.orders").contains("at least 1000").doesNotContain("\tat ");
  }
}
