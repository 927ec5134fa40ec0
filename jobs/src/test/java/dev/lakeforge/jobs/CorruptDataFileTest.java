package dev.lakeforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A data file of a table overwritten in place (a bad copy, a disk or object-store fault): reading
 * the table fails with exit code 2 and the launcher's one line naming the file, diagnose tells it,
 * and the rollback its runbook section gives brings the table back to the snapshot before it.
 */
@SparkTest
class CorruptDataFileTest {
  @Test
  void aCorruptDataFileIsExitTwoNamingItAndARollbackPastItsLoadReadsAgain(
      SparkSession spark, TestWarehouse w) throws Exception {
    spark.sql("CREATE TABLE lake.chaos.orders (id BIGINT, amount DOUBLE) USING iceberg");
    spark.sql("INSERT INTO lake.chaos.orders SELECT id, id * 1.5 FROM range(0, 100)");
    long good = spark.sql("SELECT snapshot_id FROM lake.chaos.orders.snapshots").first().getLong(0);
    spark.sql("INSERT INTO lake.chaos.orders SELECT id, id * 1.5 FROM range(100, 150)");
    String loaded =
        spark
            .sql(
                "SELECT data_file.file_path FROM lake.chaos.orders.entries WHERE status = 1"
                    + " AND snapshot_id <> "
                    + good)
            .first()
            .getString(0);
    Path file = Path.of(URI.create(loaded));
    Files.write(file, new byte[(int) Files.size(file)]); // zeros, same length: no footer
    Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
    Path job =
        Files.writeString(
            w.resolve("count.sql"),
            "SELECT count(*) AS orders, sum(amount) AS total FROM lake.chaos.orders;\n");
    String reports = "run.reportDir=" + w.resolve("corrupt-runs");

    Launched read = Launched.run("sql", "--file", job.toString(), "--set", reports);
    assertThat(read.code()).as(read.all()).isEqualTo(2);
    assertThat(read.errorLines())
        .as("Spark's task logs keep their traces; the launcher's line is the one to read")
        .singleElement()
        .asString()
        .contains(file.getFileName().toString())
        .contains("cannot be read (truncated or corrupt): not a Parquet file");
    Path report;
    try (Stream<Path> runs = Files.list(w.resolve("corrupt-runs"))) {
      report = runs.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
    }
    Launched diagnosis = Launched.run("diagnose", report.toString());
    assertThat(diagnosis.out())
        .as(diagnosis.all())
        .contains("cause: corrupt data file")
        .contains(file.getFileName().toString())
        .contains("rollback --to-snapshot")
        .contains("runbook: docs/runbooks.md#corrupt-data-file");

    Launched rollback =
        Launched.run(
            "rollback",
            "--table",
            "lake.chaos.orders",
            "--to-snapshot",
            Long.toString(good),
            "--reason",
            "data file corrupt",
            "--by",
            "oncall",
            "--set",
            reports);
    assertThat(rollback.code()).as(rollback.all()).isZero();
    Launched again = Launched.run("sql", "--file", job.toString(), "--set", reports);
    assertThat(again.code()).as(again.all()).isZero();
    assertThat(again.out()).contains("| 100    | 7425.0 |");
  }
}
