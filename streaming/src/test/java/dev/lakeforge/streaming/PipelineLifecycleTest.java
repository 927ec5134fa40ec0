package dev.lakeforge.streaming;

import static dev.lakeforge.streaming.StreamQualityTest.produce;
import static dev.lakeforge.streaming.StreamQualityTest.runJob;
import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.config.Secret;
import dev.lakeforge.streaming.StreamQualityTest.JobRun;
import dev.lakeforge.testing.EmbeddedPostgresServer;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pipeline's start and stop as a new user meets them: a broker that is not there fails the start
 * and the dry run in one line within the connect timeout; the dry run names a missing table with
 * the statement that creates it; a batch stuck past the grace period does not hold up a stop, and
 * runs again after a restart.
 */
@SparkTest
@Timeout(600)
class PipelineLifecycleTest {
  private static final StructType SCHEMA =
      StructType.fromDDL("order_id BIGINT, status STRING, amount DOUBLE");

  /** host:port where nothing listens. */
  private static String deadBroker() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  @Test
  void anUnreachableBrokerFailsTheStartInOneLine(SparkSession spark, TestWarehouse w)
      throws Exception {
    String broker = deadBroker();
    PipelineSpec spec =
        StreamQuality.fromKafka(broker)
            .name("nowhere")
            .topics("t")
            .json(SCHEMA)
            .deadLetterTopic("d")
            .toIceberg("lake.stream.nowhere")
            .checkpoint(w.resolve("nowhere-checkpoint").toString())
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    assertThatThrownBy(() -> spec.start(spark))
        .isInstanceOfSatisfying(
            StreamingException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
              assertThat(e.getMessage())
                  .startsWith("nowhere: no Kafka broker answered at " + broker + " within 2 s")
                  .contains("kafka.connectTimeout")
                  .doesNotContain("\n");
            });
    assertThat(spark.streams().active()).as("no query was started").isEmpty();

    Path config =
        Files.writeString(
            w.resolve("nowhere.yaml"),
            """
        stream-quality:
          kafka: {bootstrapServers: "%s", topics: [t], connectTimeout: 2s}
          schema: "order_id BIGINT, status STRING, amount DOUBLE"
          deadLetterTopic: d
          table: lake.stream.not_created
          checkpoint: nowhere-checkpoint
        run: {reportDir: nowhere-runs}
        """
                .formatted(broker));
    spark.sql("DROP TABLE IF EXISTS lake.stream.not_created");
    JobRun dry = runJob(config, "--dry-run");
    assertThat(dry.code()).as(dry.out() + dry.err()).isEqualTo(2);
    assertThat(dry.out() + dry.err())
        .contains("no Kafka broker answered at " + broker)
        .contains("lake.stream.not_created")
        .contains(
            "create it with: CREATE TABLE lake.stream.not_created"
                + " (order_id BIGINT, status STRING, amount DOUBLE) USING iceberg");

    // with the table there, the run fails on the broker alone, in one line
    spark.sql(
        "CREATE TABLE lake.stream.not_created (order_id BIGINT, status STRING, amount DOUBLE) USING iceberg");
    JobRun run = runJob(config);
    assertThat(run.code()).as(run.err()).isEqualTo(1);
    assertThat(run.err().lines().filter(l -> l.startsWith("lakeforge stream-quality:")))
        .singleElement(as(InstanceOfAssertFactories.STRING))
        .startsWith(
            "lakeforge stream-quality: stream-quality: no Kafka broker answered at " + broker);
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void aBatchStuckPastTheGracePeriodIsAbandonedAndRunsAgainAfterARestart(
      SparkSession spark, TestWarehouse w) throws Exception {
    TestKafka.createTopics("stuck", "stuck-dlq");
    spark.sql("DROP TABLE IF EXISTS lake.stream.stuck");
    spark.sql(
        "CREATE TABLE lake.stream.stuck (order_id BIGINT, status STRING, amount DOUBLE) USING iceberg");
    String url = EmbeddedPostgresServer.jdbcUrl();
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres")) {
      c.createStatement()
          .execute(
              "CREATE TABLE stuck (order_id BIGINT PRIMARY KEY, status TEXT, amount DOUBLE PRECISION)");
    }
    produce("stuck", 0, 20, List.of());
    String checkpoint = w.resolve("stuck-checkpoint").toString();
    Supplier<StreamQuality> pipeline =
        () ->
            StreamQuality.fromKafka(TestKafka.bootstrap())
                .name("stuck")
                .topics("stuck")
                .option("startingOffsets", "earliest")
                .json(SCHEMA, "order_id")
                .deadLetterTopic("stuck-dlq")
                .toIceberg("lake.stream.stuck")
                .toPostgres(url, "postgres", Secret.of("postgres"), "stuck", "order_id")
                .checkpoint(checkpoint)
                .stopGracePeriod(Duration.ofSeconds(2));

    try (Connection lock = DriverManager.getConnection(url, "postgres", "postgres")) {
      lock.setAutoCommit(false);
      lock.createStatement()
          .execute("LOCK TABLE stuck IN ACCESS EXCLUSIVE MODE"); // the upsert waits for it
      RunningPipeline running =
          pipeline.get().trigger(Trigger.ProcessingTime(200)).build().start(spark);
      waitFor(() -> waitingOnALock(url), running, "the batch's upsert waits on the lock");
      assertThat(running.stopGracefully()).as("the batch did not finish").isFalse();
      assertThat(running.query().isActive()).as("stopped when stopGracefully returned").isFalse();
      assertThat(running.query().exception().isDefined())
          .as("a stop is not a failure, even when it interrupts a batch")
          .isFalse();
      lock.rollback();
    }
    // the abandoned batch was not committed: it runs again, and each record lands once in each sink
    RunningPipeline again = pipeline.get().trigger(Trigger.AvailableNow()).build().start(spark);
    again.awaitTermination();
    assertThat(spark.table("lake.stream.stuck").count()).isEqualTo(20);
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
        ResultSet rs =
            c.createStatement()
                .executeQuery("SELECT count(*), count(DISTINCT order_id) FROM stuck")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(20);
      assertThat(rs.getLong(2)).isEqualTo(20);
    }
  }

  private static boolean waitingOnALock(String url) {
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO%stuck%'")) {
      rs.next();
      return rs.getLong(1) > 0;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void waitFor(BooleanSupplier done, RunningPipeline running, String what)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      if (running.query().exception().isDefined()) {
        throw running.query().exception().get();
      }
      Thread.sleep(100);
    }
    assertThat(done.getAsBoolean()).as(what + " within 300 s").isTrue();
  }
}
