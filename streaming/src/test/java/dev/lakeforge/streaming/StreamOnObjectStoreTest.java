package dev.lakeforge.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.core.job.Launcher;
import dev.lakeforge.testing.S3Server;
import dev.lakeforge.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream job with everything it keeps on object storage, against a real S3-compatible server:
 * the checkpoint on {@code s3a://} and the Iceberg table in a bucket. A restart from that
 * checkpoint, with more data, still lands each record once.
 */
@SparkTest
class StreamOnObjectStoreTest {
  @TempDir Path dir;

  private int run(Path config) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        new Launcher(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8))
            .execute("stream-quality", "--config", config.toString());
    assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
    return code;
  }

  @Test
  void theCheckpointAndTheTableLiveInABucketAndARestartLandsEachRecordOnce(SparkSession spark)
      throws Exception {
    S3Server s3 = S3Server.shared();
    s3.createBucket("stream");
    TestKafka.createTopics("s3-orders", "s3-orders-dlq");
    Files.writeString(
        dir.resolve("ddl.sql"),
        """
        CREATE NAMESPACE IF NOT EXISTS s3lake.shop;
        CREATE TABLE IF NOT EXISTS s3lake.shop.orders (order_id BIGINT, status STRING, amount DOUBLE) USING iceberg;
        """);
    Path config =
        Files.writeString(
            dir.resolve("stream.yaml"),
            s3.configSection(dir)
                + """
        catalogs:
          s3lake: {type: hadoop, warehouse: "s3a://stream/warehouse"}
        run: {reportDir: runs}
        sql: {file: ddl.sql}
        stream-quality:
          kafka: {bootstrapServers: "%s", topics: [s3-orders], startingOffsets: earliest}
          schema: "order_id BIGINT, status STRING, amount DOUBLE"
          required: [order_id]
          deadLetterTopic: s3-orders-dlq
          table: s3lake.shop.orders
          checkpoint: "s3a://stream/checkpoints/orders"
          trigger: availableNow
        """
                    .formatted(TestKafka.bootstrap()));
    ByteArrayOutputStream ddl = new ByteArrayOutputStream();
    assertThat(
            new Launcher(
                    new PrintStream(ddl, true, StandardCharsets.UTF_8),
                    new PrintStream(ddl, true, StandardCharsets.UTF_8))
                .execute("sql", "--config", config.toString()))
        .as(ddl.toString(StandardCharsets.UTF_8))
        .isZero();

    StreamQualityTest.produce("s3-orders", 0, 50, List.of());
    run(config);
    assertThat(spark.table("s3lake.shop.orders").count()).isEqualTo(50);
    try (Stream<Path> commits =
        Files.list(s3.bucketFolder("stream").resolve("checkpoints/orders/commits"))) {
      assertThat(commits.count()).isPositive();
    }

    StreamQualityTest.produce("s3-orders", 50, 80, List.of());
    run(config);
    assertThat(spark.table("s3lake.shop.orders").count()).isEqualTo(80);
    assertThat(
            spark.sql("SELECT count(DISTINCT order_id) FROM s3lake.shop.orders").first().getLong(0))
        .isEqualTo(80);
  }
}
