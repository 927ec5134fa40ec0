package dev.lakeforge.jobs.etl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.core.job.ExitCode;
import dev.lakeforge.streaming.TestKafka;
import dev.lakeforge.testing.ChildJvm;
import dev.lakeforge.testing.EmbeddedPostgresServer;
import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * etl-migrate from PostgreSQL, CSV uploads and a Kafka staging topic into Iceberg and a PostgreSQL
 * warehouse: incremental, complete, and resumed after a kill without loss or duplicates.
 */
@SparkTest
class EtlMigrateTest {
  @TempDir Path dir;

  private static void sql(String... statements) throws Exception {
    EmbeddedPostgresServer.execute(statements);
  }

  private static long pg(String query) throws Exception {
    return EmbeddedPostgresServer.count(query);
  }

  private static void produce(String topic, List<String> values) {
    try (KafkaProducer<String, String> p =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrap()),
            new StringSerializer(),
            new StringSerializer())) {
      values.forEach(v -> p.send(new ProducerRecord<>(topic, v)));
    }
  }

  private static List<String> payments(int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      out.add(
          "{\"payment_id\": "
              + i
              + ", \"order_id\": "
              + (i % 40 + 1)
              + ", \"amount\": "
              + (i % 50 + 1)
              + ".5, \"paid_at\": \"2026-11-2"
              + (i % 5)
              + "T10:00:00\"}");
    }
    return out;
  }

  private Path config(String ns, String topic) throws Exception {
    Path password = Files.writeString(dir.resolve("pg-password"), "postgres\n");
    return Files.writeString(
        dir.resolve(ns + ".yaml"),
        """
        etl-migrate:
          namespace: etlcat.%1$s
          sources:
            customers:
              jdbc: {url: "%2$s", user: postgres, password: "${file:%3$s}", table: %1$s_src.customers}
              key: [customer_id]
              watermark: updated_at
              partitions: 3
            orders:
              csv: {path: uploads}
              schema: "order_id BIGINT, customer_id BIGINT, amount DECIMAL(10,2), updated_at TIMESTAMP"
              key: [order_id]
              watermark: updated_at
            payments:
              kafka: {bootstrapServers: "%4$s", topic: %5$s}
              schema: "payment_id BIGINT, order_id BIGINT, amount DECIMAL(10,2), paid_at TIMESTAMP"
              key: [payment_id]
              watermark: paid_at
          analytics:
            - name: customer_revenue
              key: [customer_id]
              sql: >
                SELECT c.customer_id, c.name, count(o.order_id) AS orders, coalesce(sum(o.amount), 0) AS revenue
                FROM etlcat.%1$s.clean_customers c LEFT JOIN etlcat.%1$s.clean_orders o ON o.customer_id = c.customer_id
                GROUP BY c.customer_id, c.name
          warehouse: {url: "%2$s", user: postgres, password: "${file:%3$s}", schema: %1$s_dw}
        catalogs:
          etlcat: {type: hadoop, warehouse: warehouse}
        """
            .formatted(
                ns, EmbeddedPostgresServer.jdbcUrl(), password, TestKafka.bootstrap(), topic));
  }

  private Launched run(Path config, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "etl-migrate",
                "--config",
                config.toString(),
                "--set",
                "run.reportDir=" + dir.resolve("runs")));
    args.addAll(List.of(more));
    return Launched.run(args);
  }

  @Test
  void threeKindsOfSourceLandInEveryLayerThenOnlyWhatChangedLandsAgain(SparkSession spark)
      throws Exception {
    String ns = "etl_inc";
    sql(
        "CREATE SCHEMA IF NOT EXISTS " + ns + "_src",
        "CREATE TABLE "
            + ns
            + "_src.customers (customer_id BIGINT PRIMARY KEY, name TEXT, country TEXT, updated_at TIMESTAMP)",
        "INSERT INTO "
            + ns
            + "_src.customers SELECT i, 'customer ' || i, CASE WHEN i % 3 = 0 THEN 'FR' ELSE 'DE' END,"
            + " TIMESTAMP '2026-11-01 00:00:00' + i * INTERVAL '1 second' FROM generate_series(1, 5000) i");
    Path uploads = Files.createDirectories(dir.resolve("uploads"));
    Files.writeString(
        uploads.resolve("orders-1.csv"),
        """
        order_id,customer_id,amount,updated_at
        1,10,20.50,2026-11-20 10:00:00
        2,11,5.00,2026-11-20 11:00:00
        3,10,7.25,2026-11-20 12:00:00
        ,12,9.00,2026-11-20 13:00:00
        4,12,not-a-number,2026-11-20 14:00:00
        """);
    String topic = "payments-" + System.nanoTime();
    List<String> first = new ArrayList<>(payments(1, 300));
    first.add("this is not a payment");
    produce(topic, first);
    Path config = config(ns, topic);

    Launched dry = run(config, "--dry-run");
    assertThat(dry.code()).as(dry.all()).isEqualTo(ExitCode.OK);

    Launched r1 = run(config);
    assertThat(r1.code()).as(r1.all()).isEqualTo(ExitCode.OK);
    assertThat(r1.out())
        .contains(
            "customers: 5000 row(s) in the source's window, 5000 landed raw, 0 quarantined, 5000 merged into cleaned; completeness 1.0000")
        .contains(
            "orders: 5 row(s) in the source's window, 3 landed raw, 2 quarantined, 3 merged into cleaned")
        .contains(
            "payments: 301 row(s) in the source's window, 300 landed raw, 1 quarantined, 300 merged into cleaned")
        .contains("analytics etlcat." + ns + ".customer_revenue: 5000 row(s)");
    assertThat(pg("SELECT count(*) FROM " + ns + "_dw.customers")).isEqualTo(5000);
    assertThat(pg("SELECT count(*) FROM " + ns + "_dw.payments")).isEqualTo(300);
    assertThat(
            EmbeddedPostgresServer.rows(
                "SELECT revenue FROM " + ns + "_dw.customer_revenue WHERE customer_id = 10"))
        .as("orders 1 and 3: 20.50 + 7.25")
        .containsExactly("27.75");

    sql(
        "UPDATE "
            + ns
            + "_src.customers SET name = 'renamed ' || customer_id, updated_at = TIMESTAMP '2026-11-26 00:00:00' + customer_id * INTERVAL '1 second' WHERE customer_id <= 100",
        "INSERT INTO "
            + ns
            + "_src.customers SELECT i, 'customer ' || i, 'IT', TIMESTAMP '2026-11-26 01:00:00' + i * INTERVAL '1 second' FROM generate_series(5001, 5050) i");
    Files.writeString(
        uploads.resolve("orders-2.csv"),
        "order_id,customer_id,amount,updated_at\n1,10,25.50,2026-11-21 10:00:00\n5,13,3.00,2026-11-21 11:00:00\n");
    produce(topic, payments(301, 320));
    Launched r2 = run(config);
    assertThat(r2.code()).as(r2.all()).isEqualTo(ExitCode.OK);
    assertThat(r2.out())
        .contains("customers: 150 row(s) in the source's window, 150 landed raw")
        .contains(
            "orders: 3 row(s) in the source's window, 2 landed raw, 1 quarantined, 2 merged into cleaned")
        .contains("payments: 20 row(s) in the source's window, 20 landed raw");
    assertThat(spark.table("etlcat." + ns + ".clean_customers").count()).isEqualTo(5050);
    assertThat(
            spark
                .sql("SELECT name FROM etlcat." + ns + ".clean_customers WHERE customer_id = 7")
                .first()
                .getString(0))
        .isEqualTo("renamed 7");
    assertThat(
            spark
                .sql("SELECT amount FROM etlcat." + ns + ".clean_orders WHERE order_id = 1")
                .first()
                .getDecimal(0))
        .isEqualByComparingTo("25.50");
    assertThat(pg("SELECT count(*) FROM " + ns + "_dw.customers WHERE name LIKE 'renamed %'"))
        .isEqualTo(100);
    assertThat(pg("SELECT count(*) FROM " + ns + "_dw.customers")).isEqualTo(5050);
    assertThat(spark.table("etlcat." + ns + ".quarantine_orders").count())
        .as("the unreadable line is quarantined once")
        .isEqualTo(2);

    Launched r3 = run(config);
    assertThat(r3.out()).contains("customers: nothing new").contains("payments: nothing new");
  }

  @Test
  void aJdbcUrlNoDriverTakesIsAUsageErrorNamingIt() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("no-driver.yaml"),
            """
            etl-migrate:
              namespace: etlcat.etl_nodriver
              sources:
                customers:
                  jdbc: {url: "jdbc:nosuchdb://db:1/shop", table: customers}
                  key: [customer_id]
                  watermark: updated_at
            catalogs:
              etlcat: {type: hadoop, warehouse: warehouse}
            """);
    Launched r = run(config);
    assertThat(r.code()).as(r.all()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err())
        .contains("no JDBC driver on the classpath takes jdbc:nosuchdb://db:1/shop")
        .doesNotContain("\tat ");
  }

  @Test
  void aRunKilledMidWayResumesWithoutLossOrDuplicates(SparkSession spark) throws Exception {
    String ns = "etl_kill";
    sql(
        "CREATE SCHEMA IF NOT EXISTS " + ns + "_src",
        "CREATE TABLE "
            + ns
            + "_src.customers (customer_id BIGINT PRIMARY KEY, name TEXT, country TEXT, updated_at TIMESTAMP)",
        "INSERT INTO "
            + ns
            + "_src.customers SELECT i, 'customer ' || i, 'DE', TIMESTAMP '2026-11-01 00:00:00' + i * INTERVAL '1 second' FROM generate_series(1, 100000) i");
    Files.createDirectories(dir.resolve("uploads"));
    Files.writeString(
        dir.resolve("uploads/orders.csv"),
        "order_id,customer_id,amount,updated_at\n1,10,20.50,2026-11-20 10:00:00\n");
    String topic = "payments-" + System.nanoTime();
    produce(topic, payments(1, 50));
    Path config = config(ns, topic);
    Path log = dir.resolve("killed.log");
    Process child =
        ChildJvm.launcher(
                "etl-migrate",
                "--config",
                config.toString(),
                "--set",
                "run.reportDir=" + dir.resolve("runs"))
            .start(log);
    Path rawMetadata = dir.resolve("warehouse/" + ns + "/raw_customers/metadata");
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline && child.isAlive() && !hasSnapshot(rawMetadata)) {
      Thread.sleep(50);
    }
    assertThat(hasSnapshot(rawMetadata))
        .as("the child wrote raw before it was killed; see %s", log)
        .isTrue();
    child.destroyForcibly(); // SIGKILL mid-run: after raw, before (or while) cleaned and the state
    child.waitFor();

    Launched resumed = run(config);
    assertThat(resumed.code()).as(resumed.all()).isEqualTo(ExitCode.OK);
    assertThat(spark.table("etlcat." + ns + ".clean_customers").count()).isEqualTo(100000);
    assertThat(
            spark
                .sql("SELECT count(DISTINCT customer_id) FROM etlcat." + ns + ".raw_customers")
                .first()
                .getLong(0))
        .isEqualTo(100000);
    assertThat(spark.table("etlcat." + ns + ".raw_customers").count())
        .as("no row twice in raw")
        .isEqualTo(100000);
    assertThat(pg("SELECT count(*) FROM " + ns + "_dw.customers")).isEqualTo(100000);
    assertThat(
            spark
                .sql("SELECT state FROM etlcat." + ns + ".etl_state WHERE source = 'customers'")
                .first()
                .getString(0))
        .startsWith("2026-11-02 03:46:40");
  }

  private static boolean hasSnapshot(Path metadata) throws Exception {
    if (!Files.isDirectory(metadata)) {
      return false;
    }
    try (Stream<Path> files = Files.list(metadata)) {
      return files.anyMatch(p -> p.getFileName().toString().startsWith("snap-"));
    }
  }
}
