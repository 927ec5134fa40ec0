package dev.lakeforge.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.testing.SharedSpark;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The job runs in its own JVM, which is killed with SIGKILL in the middle of the stream, five
 * times, each time after at least one more batch committed; restarted from the checkpoint, the
 * Iceberg table and the PostgreSQL table each hold every record exactly once.
 */
@SparkTest
class KillRestartTest {
  private static final int RECORDS = 300;

  private static Path config(TestWarehouse w, String trigger) throws Exception {
    return Files.writeString(w.resolve("killed-" + trigger + ".yaml"), """
        stream-quality:
          name: killed-pipeline
          kafka: {bootstrapServers: "%s", topics: [killed], startingOffsets: earliest, maxOffsetsPerTrigger: 15}
          schema: "order_id BIGINT, status STRING, amount DOUBLE"
          required: [order_id]
          deadLetterTopic: killed-dlq
          table: lake.stream.killed
          postgres: {url: "%s", user: postgres, password: postgres, table: killed, key: [order_id]}
          checkpoint: %s
          trigger: %s
        catalogs:
          lake: {type: hadoop, warehouse: "%s"}
        spark: {master: "local[2]", shufflePartitions: 2}
        logging: {level: WARN}
        run: {reportDir: %s}
        """.formatted(TestKafka.bootstrap(), dev.lakeforge.testing.EmbeddedPostgresServer.jdbcUrl(), w.resolve("killed-checkpoint"),
        trigger,
        SharedSpark.root().resolve("lake").toUri(), w.resolve("runs")));
  }

  private static Process launch(Path config, Path log) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-") || a.startsWith("-XX:+IgnoreUnrecognized") || a.startsWith("-Dio.netty")
            || a.startsWith("-Djdk.reflect") || a.startsWith("-Djava.io.tmpdir"))
        .forEach(cmd::add);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.lakeforge.core.job.Launcher", "stream-quality",
        "--config", config.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  private static long committedBatches(Path checkpoint) throws Exception {
    Path commits = checkpoint.resolve("commits");
    if (!Files.isDirectory(commits)) {
      return 0;
    }
    try (var s = Files.list(commits)) {
      return s.filter(p -> p.getFileName().toString().matches("\\d+")).count();
    }
  }

  @Test
  void sigkillMidStreamFiveTimesStillHoldsEachRecordOnceInIcebergAndPostgres(SparkSession spark, TestWarehouse w) throws Exception {
    TestKafka.createTopics("killed", "killed-dlq");
    spark.sql("DROP TABLE IF EXISTS lake.stream.killed");
    spark.sql("CREATE TABLE lake.stream.killed (order_id BIGINT, status STRING, amount DOUBLE) USING iceberg");
    try (var c = java.sql.DriverManager.getConnection(dev.lakeforge.testing.EmbeddedPostgresServer.jdbcUrl(), "postgres",
        "postgres")) {
      c.createStatement().execute("DROP TABLE IF EXISTS killed");
      c.createStatement().execute("CREATE TABLE killed (order_id BIGINT PRIMARY KEY, status TEXT, amount DOUBLE PRECISION)");
    }
    Properties p = new Properties();
    p.put("bootstrap.servers", TestKafka.bootstrap());
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (int i = 0; i < RECORDS; i++) {
        producer.send(new ProducerRecord<>("killed", "k" + i, "{\"order_id\": " + i + ", \"status\": \"NEW\", \"amount\": 1.0}"));
      }
      producer.flush();
    }
    Path streaming = config(w, "500ms");
    Path log = SharedSpark.root().resolve("kill-restart-child.log");
    Files.deleteIfExists(log);
    Path checkpoint = w.resolve("killed-checkpoint");
    for (int kill = 1; kill <= 5; kill++) {
      long before = committedBatches(checkpoint);
      Process child = launch(streaming, log);
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (committedBatches(checkpoint) <= before && System.nanoTime() < deadline && child.isAlive()) {
        Thread.sleep(100);
      }
      assertThat(committedBatches(checkpoint)).as("a batch committed before kill %d; see %s", kill, log).isGreaterThan(before);
      child.destroyForcibly();   // SIGKILL: no shutdown hooks, no graceful stop
      child.waitFor();
    }
    Process drain = launch(config(w, "availableNow"), log);
    assertThat(drain.waitFor()).as("the draining run; see %s", log).isZero();
    assertThat(spark.table("lake.stream.killed").count()).isEqualTo(RECORDS);
    assertThat(spark.sql("SELECT count(DISTINCT order_id) FROM lake.stream.killed").first().getLong(0)).isEqualTo(RECORDS);
    try (var c = java.sql.DriverManager.getConnection(dev.lakeforge.testing.EmbeddedPostgresServer.jdbcUrl(), "postgres",
        "postgres"); var rs = c.createStatement().executeQuery("SELECT count(*), count(DISTINCT order_id) FROM killed")) {
      rs.next();
      assertThat(rs.getLong(1)).as("PostgreSQL holds each record once after 5 SIGKILLs").isEqualTo(RECORDS);
      assertThat(rs.getLong(2)).isEqualTo(RECORDS);
    }
    assertThat(Files.readString(log, StandardCharsets.UTF_8)).doesNotContain("Exception in thread \"main\"");
  }
}
