package dev.lakeforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.job.Launcher;
import dev.lakeforge.testing.S3Server;
import dev.lakeforge.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Object storage as every production example uses it, against a real S3-compatible server
 * (S3Proxy): the {@code s3:} section with keys from secret files, an Iceberg catalog on S3
 * (S3FileIO for data, S3A for the rest), quality outputs and a metrics repository on {@code
 * s3a://}, backup and restore through the bucket. The keys never show in what the jobs print or
 * write.
 */
@SparkTest
class ObjectStoreTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static S3Server s3;

  @TempDir static Path dir;
  private static Path config;

  /** What a job printed, and its exit code. */
  private record Run(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  @BeforeAll
  static void bucketAndConfig() throws IOException {
    s3 = S3Server.shared();
    s3.createBucket("lake");
    Files.writeString(
        dir.resolve("orders.sql"),
        """
        CREATE NAMESPACE IF NOT EXISTS s3lake.shop;
        CREATE TABLE IF NOT EXISTS s3lake.shop.orders (id BIGINT, status STRING, amount DOUBLE) USING iceberg;
        INSERT INTO s3lake.shop.orders SELECT id, IF(id % 10 = 0, 'LOST', 'PAID'), id * 2.5 FROM range(500);
        SELECT count(*) AS orders FROM s3lake.shop.orders;
        """);
    Files.writeString(
        dir.resolve("suite.yaml"),
        """
        checks:
          - description: orders
            constraints:
              - isContainedIn: {column: status, values: [PAID, NEW]}
        """);
    config =
        Files.writeString(
            dir.resolve("s3.yaml"),
            s3.configSection(dir)
                + """
        catalogs:
          s3lake: {type: hadoop, warehouse: "s3a://lake/warehouse"}
        run: {reportDir: runs}
        sql: {file: orders.sql}
        """);
  }

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all =
        Stream.concat(Stream.of(args[0], "--config", config.toString()), Stream.of(args).skip(1))
            .toArray(String[]::new);
    int code =
        new Launcher(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .execute(all);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void assertNoKeys(Run r) throws IOException {
    String written;
    try (Stream<Path> files = Files.walk(dir.resolve("runs"))) {
      StringBuilder sb = new StringBuilder();
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        sb.append(Files.readString(f));
      }
      written = sb.toString();
    }
    assertThat(r.all() + written).doesNotContain(s3.secretKey()).doesNotContain(s3.accessKey());
  }

  @Test
  void anIcebergTableQualityOutputsMetricsAndABackupLiveInTheBucket(SparkSession spark)
      throws IOException {
    Run created = run("sql");
    assertThat(created.code()).as(created.all()).isZero();
    assertThat(created.out()).contains("| 500    |");
    Path table = s3.bucketFolder("lake").resolve("warehouse/shop/orders");
    try (Stream<Path> objects = Files.walk(table)) {
      assertThat(objects.map(Path::toString))
          .anyMatch(p -> p.endsWith(".parquet"))
          .anyMatch(p -> p.endsWith(".metadata.json"));
    }
    assertThat(spark.table("s3lake.shop.orders").count()).isEqualTo(500);
    assertNoKeys(created);

    Run checked =
        run(
            "quality-check",
            "--suite",
            dir.resolve("suite.yaml").toString(),
            "--input",
            "s3lake.shop.orders",
            "--good-out",
            "s3a://lake/out/good",
            "--bad-out",
            "s3a://lake/out/bad",
            "--metrics-repository",
            "s3a://lake/dq/orders");
    assertThat(checked.code()).as(checked.all()).isEqualTo(3);
    assertThat(spark.read().parquet("s3a://lake/out/good").count()).isEqualTo(450);
    assertThat(spark.read().parquet("s3a://lake/out/bad").count()).isEqualTo(50);
    try (Stream<Path> metrics = Files.list(s3.bucketFolder("lake").resolve("dq/orders"))) {
      assertThat(metrics.filter(p -> p.getFileName().toString().startsWith("metrics-"))).hasSize(1);
    }
    assertNoKeys(checked);

    Run backup =
        run("backup", "--table", "s3lake.shop.orders", "--to", "s3a://lake/backups/orders");
    assertThat(backup.code()).as(backup.all()).isZero();
    Path manifest = s3.bucketFolder("lake").resolve("backups/orders/_lakeforge_backup.json");
    assertThat(JSON.readTree(manifest.toFile()).get("records").asLong()).isEqualTo(500);
    Run restore =
        run(
            "restore",
            "--from",
            "s3a://lake/backups/orders",
            "--as",
            "s3lake.shop.orders_restored");
    assertThat(restore.code()).as(restore.all()).isZero();
    assertThat(restore.out()).contains("500 rows");
    assertThat(spark.table("s3lake.shop.orders_restored").count()).isEqualTo(500);
    assertNoKeys(backup);
    assertNoKeys(restore);
  }

  /**
   * A data file in the bucket overwritten in place (an object-store fault, a bad copy): reading the
   * table through S3FileIO fails with exit code 2 and one line, as on a local disk. Unlike there,
   * the line cannot name the file: Iceberg hands Parquet an input file without a name for S3, so
   * the error Spark returns has none, and the line says where the name is (the executors' log).
   */
  @Test
  void aCorruptDataFileInTheBucketFailsTheReadWithOneLineSayingWhereItIsNamed(SparkSession spark)
      throws IOException {
    Files.writeString(
        dir.resolve("fragile.sql"),
        """
        CREATE NAMESPACE IF NOT EXISTS s3lake.shop;
        CREATE TABLE s3lake.shop.fragile (id BIGINT, amount DOUBLE) USING iceberg;
        INSERT INTO s3lake.shop.fragile SELECT id, id * 1.5 FROM range(0, 100);
        """);
    Run created = run("sql", "--file", dir.resolve("fragile.sql").toString());
    assertThat(created.code()).as(created.all()).isZero();
    String uri = spark.sql("SELECT file_path FROM s3lake.shop.fragile.files").first().getString(0);
    assertThat(uri).startsWith("s3a://lake/");
    Path object = s3.bucketFolder("lake").resolve(uri.substring("s3a://lake/".length()));
    Files.write(object, new byte[(int) Files.size(object)]); // zeros, same length: no footer
    Files.writeString(
        dir.resolve("count-fragile.sql"),
        "SELECT count(*) AS orders, sum(amount) AS total FROM s3lake.shop.fragile;\n");

    Run read = run("sql", "--file", dir.resolve("count-fragile.sql").toString());
    assertThat(read.code()).as(read.all()).isEqualTo(2);
    assertThat(read.err().lines().filter(l -> l.startsWith("lakeforge ")))
        .as(read.all())
        .singleElement()
        .asString()
        .contains("a data file cannot be read (truncated or corrupt): not a Parquet file")
        .contains("the executors' log names it (Iceberg's 'Error reading file(s)')");
    assertNoKeys(read);
  }
}
