package dev.lakeforge.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.config.Secret;
import dev.lakeforge.quality.Check;
import dev.lakeforge.testing.ChildJvm;
import dev.lakeforge.testing.EmbeddedPostgresServer;
import dev.lakeforge.testing.SharedSpark;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Exactly once across restarts. Whether the query is stopped mid-stream in this JVM, or the job's
 * own JVM is killed with SIGKILL, five times each, with more data produced before each restart, the
 * Iceberg table and the PostgreSQL table each hold every good record exactly once. Stopped with
 * SIGTERM, the job finishes the batch in flight, commits it and exits 0, with its counts in the run
 * report.
 */
@SparkTest
class KillRestartTest {
  private static final int RECORDS = 300;

  /** Records produced after each kill. */
  private static final int MORE = 30;

  /**
   * The job's config for topic {@code name}: the Iceberg table, PostgreSQL table and checkpoint are
   * named after it.
   */
  private static Path config(TestWarehouse w, String name, String trigger) throws Exception {
    return Files.writeString(
        w.resolve(name + "-" + trigger + ".yaml"),
        """
        stream-quality:
          name: %1$s-pipeline
          kafka: {bootstrapServers: "%2$s", topics: [%1$s], startingOffsets: earliest, maxOffsetsPerTrigger: 15}
          schema: "order_id BIGINT, status STRING, amount DOUBLE"
          required: [order_id]
          suite: %1$s-suite.yaml
          deadLetterTopic: %1$s-dlq
          table: lake.stream.%1$s
          postgres: {url: "%3$s", user: postgres, password: postgres, table: %1$s, key: [order_id]}
          checkpoint: %4$s
          trigger: %5$s
        catalogs:
          lake: {type: hadoop, warehouse: "%6$s"}
        spark: {master: "local[2]", shufflePartitions: 2}
        logging: {level: WARN}
        run: {reportDir: %7$s}
        """
            .formatted(
                name,
                TestKafka.bootstrap(),
                EmbeddedPostgresServer.jdbcUrl(),
                w.resolve(name + "-checkpoint"),
                trigger,
                SharedSpark.root().resolve("lake").toUri(),
                w.resolve(name + "-runs")));
  }

  /**
   * Records {@code from} to {@code to - 1}; every tenth has a negative amount, which the suite
   * rejects.
   */
  private static void produce(String topic, int from, int to) {
    Properties p = new Properties();
    p.put("bootstrap.servers", TestKafka.bootstrap());
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (int i = from; i < to; i++) {
        producer.send(
            new ProducerRecord<>(
                topic,
                "k" + i,
                "{\"order_id\": "
                    + i
                    + ", \"status\": \"NEW\", \"amount\": "
                    + (i % 10 == 0 ? -1.0 : 1.0)
                    + "}"));
      }
      producer.flush();
    }
  }

  /**
   * The Iceberg table and the PostgreSQL table each hold exactly the good records of 0 to {@code
   * produced - 1}, once.
   */
  private static void assertEachGoodRecordOnce(SparkSession spark, String name, int produced)
      throws Exception {
    long good = produced - (produced + 9) / 10;
    String misplaced = " WHERE order_id % 10 = 0 OR order_id < 0 OR order_id >= " + produced;
    Row iceberg =
        spark
            .sql(
                "SELECT count(*), count(DISTINCT order_id), count_if(order_id % 10 = 0 OR order_id < 0"
                    + " OR order_id >= "
                    + produced
                    + ") FROM lake.stream."
                    + name)
            .first();
    assertThat(iceberg.getLong(0)).as("rows in lake.stream.%s", name).isEqualTo(good);
    assertThat(iceberg.getLong(1)).as("distinct keys in lake.stream.%s", name).isEqualTo(good);
    assertThat(iceberg.getLong(2)).as("keys that should not be there").isZero();
    try (var c =
            DriverManager.getConnection(EmbeddedPostgresServer.jdbcUrl(), "postgres", "postgres");
        var rs =
            c.createStatement()
                .executeQuery(
                    "SELECT count(*), count(DISTINCT order_id), (SELECT count(*)"
                        + " FROM "
                        + name
                        + misplaced
                        + ") FROM "
                        + name)) {
      rs.next();
      assertThat(rs.getLong(1)).as("rows in PostgreSQL %s", name).isEqualTo(good);
      assertThat(rs.getLong(2)).isEqualTo(good);
      assertThat(rs.getLong(3)).isZero();
    }
  }

  /**
   * A topic of {@link #RECORDS} records (every tenth with a negative amount), its tables and its
   * suite.
   */
  private static void prepare(SparkSession spark, TestWarehouse w, String name) throws Exception {
    TestKafka.createTopics(name, name + "-dlq");
    spark.sql("DROP TABLE IF EXISTS lake.stream." + name);
    spark.sql(
        "CREATE TABLE lake.stream."
            + name
            + " (order_id BIGINT, status STRING, amount DOUBLE) USING iceberg");
    try (var c =
        DriverManager.getConnection(EmbeddedPostgresServer.jdbcUrl(), "postgres", "postgres")) {
      c.createStatement().execute("DROP TABLE IF EXISTS " + name);
      c.createStatement()
          .execute(
              "CREATE TABLE "
                  + name
                  + " (order_id BIGINT PRIMARY KEY, status TEXT, amount DOUBLE PRECISION)");
    }
    Files.writeString(
        w.resolve(name + "-suite.yaml"),
        "checks:\n  - description: amounts\n    constraints:\n      - isNonNegative: amount\n");
    produce(name, 0, RECORDS);
  }

  private static Process launch(Path config, Path log) throws Exception {
    return ChildJvm.launcher("stream-quality", "--config", config.toString()).start(log);
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
  void sigkillMidStreamFiveTimesStillHoldsEachRecordOnceInIcebergAndPostgres(
      SparkSession spark, TestWarehouse w) throws Exception {
    prepare(spark, w, "killed");
    Path streaming = config(w, "killed", "500ms");
    Path log = SharedSpark.root().resolve("kill-restart-child.log");
    Files.deleteIfExists(log);
    Path checkpoint = w.resolve("killed-checkpoint");
    for (int kill = 1; kill <= 5; kill++) {
      long before = committedBatches(checkpoint);
      Process child = launch(streaming, log);
      long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
      while (committedBatches(checkpoint) <= before
          && System.nanoTime() < deadline
          && child.isAlive()) {
        Thread.sleep(100);
      }
      assertThat(committedBatches(checkpoint))
          .as("a batch committed before kill %d; see %s", kill, log)
          .isGreaterThan(before);
      child.destroyForcibly(); // SIGKILL: no shutdown hooks, no graceful stop
      child.waitFor();
      produce(
          "killed",
          RECORDS + (kill - 1) * MORE,
          RECORDS + kill * MORE); // more data for the restart
    }
    Process drain = launch(config(w, "killed", "availableNow"), log);
    assertThat(drain.waitFor()).as("the draining run; see %s", log).isZero();
    assertEachGoodRecordOnce(spark, "killed", RECORDS + 5 * MORE);
    assertThat(Files.readString(log, StandardCharsets.UTF_8))
        .doesNotContain("Exception in thread \"main\"");
  }

  @Test
  void stoppingTheQueryMidStreamFiveTimesAndProducingMoreStillHoldsEachRecordOnce(
      SparkSession spark, TestWarehouse w) throws Exception {
    prepare(spark, w, "stopped");
    String checkpoint = w.resolve("stopped-checkpoint").toString();
    Function<Trigger, StreamingQuery> start =
        trigger ->
            StreamQuality.fromKafka(TestKafka.bootstrap())
                .name("stopped-pipeline")
                .topics("stopped")
                .option("startingOffsets", "earliest")
                .option("maxOffsetsPerTrigger", "15")
                .json(
                    StructType.fromDDL("order_id BIGINT, status STRING, amount DOUBLE"), "order_id")
                .validate(Check.error("amounts").isNonNegative("amount"))
                .deadLetterTopic("stopped-dlq")
                .toIceberg("lake.stream.stopped")
                .toPostgres(
                    EmbeddedPostgresServer.jdbcUrl(),
                    "postgres",
                    Secret.of("postgres"),
                    "stopped",
                    "order_id")
                .checkpoint(checkpoint)
                .trigger(trigger)
                .build()
                .start(spark)
                .query();
    Random random = new Random(7);
    for (int round = 1; round <= 5; round++) {
      long before = committedBatches(Path.of(checkpoint));
      StreamingQuery q = start.apply(Trigger.ProcessingTime(100));
      long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
      while (committedBatches(Path.of(checkpoint)) <= before
          && System.nanoTime() < deadline
          && q.isActive()) {
        Thread.sleep(20);
      }
      assertThat(committedBatches(Path.of(checkpoint)))
          .as("a batch committed in round %d", round)
          .isGreaterThan(before);
      Thread.sleep(random.nextInt(400)); // into a later batch
      q.stop(); // interrupts whatever the batch in flight was doing
      produce(
          "stopped",
          RECORDS + (round - 1) * MORE,
          RECORDS + round * MORE); // more data for the restart
    }
    start.apply(Trigger.AvailableNow()).awaitTermination();
    assertEachGoodRecordOnce(spark, "stopped", RECORDS + 5 * MORE);
  }

  @Test
  void sigtermFinishesTheBatchInFlightCommitsAndExitsZeroWithTheCountsInTheRunReport(
      SparkSession spark, TestWarehouse w) throws Exception {
    prepare(spark, w, "termed");
    Path log = SharedSpark.root().resolve("sigterm-child.log");
    Files.deleteIfExists(log);
    Path checkpoint = w.resolve("termed-checkpoint");
    Process child = launch(config(w, "termed", "500ms"), log);
    long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
    while (committedBatches(checkpoint) < 2 && System.nanoTime() < deadline && child.isAlive()) {
      Thread.sleep(100);
    }
    assertThat(committedBatches(checkpoint))
        .as("two batches committed before SIGTERM; see %s", log)
        .isGreaterThanOrEqualTo(2);
    child.destroy(); // SIGTERM
    // the batch in flight may take up to the grace period (20 s), then the stop and the report
    assertThat(child.waitFor(180, TimeUnit.SECONDS))
        .as("stopped within 180 s; see %s", log)
        .isTrue();
    assertThat(child.exitValue()).as("exit code after SIGTERM; see %s", log).isZero();
    assertThat(Files.readString(log, StandardCharsets.UTF_8)).contains("stopped after SIGTERM");

    // the batch in flight finished and committed; a batch Spark had already planned did nothing
    long planned;
    try (var s = Files.list(checkpoint.resolve("offsets"))) {
      planned = s.filter(p -> p.getFileName().toString().matches("\\d+")).count();
    }
    long committed = committedBatches(checkpoint);
    assertThat(planned - committed).isBetween(0L, 1L);

    Path report;
    try (var s = Files.list(w.resolve("termed-runs"))) {
      report =
          s.filter(p -> p.getFileName().toString().endsWith(".json")).findFirst().orElseThrow();
    }
    var details = new ObjectMapper().readTree(report.toFile()).path("details");
    long in = details.path("recordsIn").asLong();
    long good = details.path("good").asLong();
    long bad = details.path("bad").asLong();
    assertThat(in)
        .as("records in, in %s: the query stopped early", report)
        .isPositive()
        .isLessThan(RECORDS);
    assertThat(good + bad).isEqualTo(in);
    assertThat(bad).isEqualTo(details.path("deadLettered").asLong()).isPositive();
    assertThat(details.path("batches").asLong()).isEqualTo(committed);
    assertThat(details.has("alerts")).isTrue();
    assertThat(details.path("lag").asText()).isNotEmpty();
    assertThat(details.path("stop").asText())
        .as("the batch in flight finished")
        .isEqualTo("graceful");
    // what the report counts is what the sinks hold, once
    assertThat(spark.table("lake.stream.termed").count()).isEqualTo(good);
    try (var c =
            DriverManager.getConnection(EmbeddedPostgresServer.jdbcUrl(), "postgres", "postgres");
        var rs = c.createStatement().executeQuery("SELECT count(*) FROM termed")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(good);
    }

    // a restart finishes the rest, the planned batch included, each record once
    Process drain = launch(config(w, "termed", "availableNow"), log);
    assertThat(drain.waitFor()).as("the draining run; see %s", log).isZero();
    assertEachGoodRecordOnce(spark, "termed", RECORDS);
  }
}
