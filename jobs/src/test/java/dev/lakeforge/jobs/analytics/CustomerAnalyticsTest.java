package dev.lakeforge.jobs.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.core.job.ExitCode;
import dev.lakeforge.streaming.TestKafka;
import dev.lakeforge.testing.EmbeddedPostgresServer;
import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.SparkTest;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** customer-analytics end to end, on a real broker, PostgreSQL and Iceberg. */
@SparkTest
class CustomerAnalyticsTest {
  private static final LocalDateTime START = LocalDateTime.of(2026, 11, 20, 0, 0);
  private static final String[] TYPES = {"view", "view", "click", "add_to_cart", "purchase"};

  @TempDir Path dir;

  /** Events i = from..to: customer C(i % 7), one every 13 minutes; bad ones at fixed i. */
  private static List<String> events(int from, int to) {
    List<String> lines = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      String type = TYPES[i % TYPES.length];
      String customer = i % 50 == 3 ? "null" : "\"C" + (i % 7) + "\"";
      double amount = type.equals("purchase") ? 10 + i % 17 : 0;
      lines.add(
          event(
              "e" + i, customer, i % 90 == 5 ? "clik" : type, amount, START.plusMinutes(13L * i)));
    }
    return lines;
  }

  private static String event(
      String id, String customer, String type, double amount, LocalDateTime at) {
    return String.format(
        Locale.ROOT,
        "{\"event_id\": \"%s\", \"customer_id\": %s, \"event_type\": \"%s\", \"amount\": %.2f, \"event_at\": \"%s\"}",
        id,
        customer,
        type,
        amount,
        at);
  }

  /** The good events' purchase revenue per customer and hour, computed here in plain Java. */
  private static Map<String, BigDecimal> revenueByHour(List<String> lines) {
    Map<String, BigDecimal> out = new TreeMap<>();
    for (String l : lines) {
      if (l.contains("\"customer_id\": null") || l.contains("clik") || !l.contains("purchase")) {
        continue;
      }
      String customer = l.replaceAll(".*\"customer_id\": \"([^\"]+)\".*", "$1");
      LocalDateTime at = LocalDateTime.parse(l.replaceAll(".*\"event_at\": \"([^\"]+)\".*", "$1"));
      BigDecimal amount = new BigDecimal(l.replaceAll(".*\"amount\": ([0-9.]+).*", "$1"));
      out.merge(customer + "@" + at.truncatedTo(ChronoUnit.HOURS), amount, BigDecimal::add);
    }
    return out;
  }

  private Path config(String ns, String source) throws Exception {
    String url = EmbeddedPostgresServer.jdbcUrl();
    Path password = Files.writeString(dir.resolve("pg-password"), "postgres\n");
    return Files.writeString(
        dir.resolve(ns + ".yaml"),
        """
        customer-analytics:
          source: %s
          namespace: lake.%s
          allowedLateness: 2h
          postgres: {url: "%s", user: postgres, password: "${file:%s}", schema: %s}
          checkpoint: checkpoints/%s
        spark:
          kubernetes: {schedule: "5 * * * *", image: "lakeforge/jobs:test"}
        """
            .formatted(source, ns, url, password, ns, ns));
  }

  private Launched run(Path config, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "customer-analytics",
                "--config",
                config.toString(),
                "--set",
                "run.reportDir=" + dir.resolve("runs")));
    args.addAll(List.of(more));
    return Launched.run(args);
  }

  private static long pgCount(String sql) throws Exception {
    try (Connection c =
            DriverManager.getConnection(EmbeddedPostgresServer.jdbcUrl(), "postgres", "postgres");
        ResultSet r = c.createStatement().executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  private static BigDecimal pgDecimal(String sql) throws Exception {
    try (Connection c =
            DriverManager.getConnection(EmbeddedPostgresServer.jdbcUrl(), "postgres", "postgres");
        ResultSet r = c.createStatement().executeQuery(sql)) {
      r.next();
      return r.getBigDecimal(1);
    }
  }

  @Test
  void
      filesFlowIntoHourlyAggregatesAndMetricsInIcebergAndPostgresOnceAndLateEventsMergeWithinTheWindow(
          SparkSession spark) throws Exception {
    Path in = Files.createDirectories(dir.resolve("events"));
    List<String> first = events(1, 600);
    Files.write(in.resolve("part-1.json"), first);
    Path config = config("ca_files", "{files: {path: events, format: json}}");

    Launched r1 = run(config);
    assertThat(r1.code()).as(r1.all()).isEqualTo(ExitCode.OK);
    long bad = first.stream().filter(l -> l.contains("null") || l.contains("clik")).count();
    assertThat(r1.out())
        .contains(
            "600 event(s) in, "
                + (600 - bad)
                + " new, 0 duplicate(s), 0 late, "
                + bad
                + " quarantined");

    Map<String, BigDecimal> expected = revenueByHour(first);
    Map<String, BigDecimal> actual = new TreeMap<>();
    for (Row row :
        spark
            .sql(
                "SELECT customer_id, hour, revenue FROM lake.ca_files.customer_hourly WHERE revenue > 0")
            .collectAsList()) {
      actual.put(row.getString(0) + "@" + row.getTimestamp(1).toLocalDateTime(), row.getDecimal(2));
    }
    assertThat(actual).isEqualTo(expected);
    long hours = spark.table("lake.ca_files.customer_hourly").count();
    assertThat(pgCount("SELECT count(*) FROM ca_files.customer_hourly")).isEqualTo(hours);
    assertThat(pgCount("SELECT count(*) FROM ca_files.customer_metrics")).isEqualTo(7);
    assertThat(pgDecimal("SELECT sum(revenue) FROM ca_files.customer_metrics"))
        .isEqualByComparingTo(expected.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add));
    assertThat(
            spark
                .sql(
                    "SELECT count(*) FROM lake.ca_files.events_quarantine WHERE array_contains(reasons, 'customer events: isComplete(customer_id)')")
                .first()
                .getLong(0))
        .isEqualTo(first.stream().filter(l -> l.contains("null")).count());

    // a rerun reads nothing new and writes nothing; the same events sent again are duplicates
    Launched again = run(config);
    assertThat(again.out()).contains("0 event(s) in");
    Files.write(in.resolve("part-2.json"), first.subList(0, 50));
    Launched resent = run(config);
    assertThat(resent.out()).contains("50 event(s) in, 0 new");
    assertThat(spark.table("lake.ca_files.customer_hourly").count()).isEqualTo(hours);
    assertThat(pgCount("SELECT count(*) FROM ca_files.customer_hourly")).isEqualTo(hours);

    // the newest event is at START + 13 * 600 min; one 70 minutes before merges, one 30 h before is
    // late
    LocalDateTime newest = START.plusMinutes(13L * 600);
    LocalDateTime lateOk = newest.minusMinutes(70);
    Files.write(
        in.resolve("part-3.json"),
        List.of(
            event("late-ok", "\"C1\"", "purchase", 500, lateOk),
            event("too-late", "\"C2\"", "purchase", 7, newest.minusHours(30))));
    Launched late = run(config);
    assertThat(late.out()).contains("2 event(s) in, 1 new, 0 duplicate(s), 1 late");
    BigDecimal before =
        expected.getOrDefault("C1@" + lateOk.truncatedTo(ChronoUnit.HOURS), BigDecimal.ZERO);
    String hour = lateOk.truncatedTo(ChronoUnit.HOURS).toString().replace('T', ' ');
    assertThat(
            pgDecimal(
                "SELECT revenue FROM ca_files.customer_hourly WHERE customer_id = 'C1' AND hour = '"
                    + hour
                    + "'"))
        .isEqualByComparingTo(before.add(new BigDecimal("500")));
    assertThat(
            spark
                .sql(
                    "SELECT count(*) FROM lake.ca_files.events_quarantine WHERE event_id = 'too-late' AND reasons[0] LIKE 'late: %'")
                .first()
                .getLong(0))
        .isEqualTo(1);
    assertThat(
            spark
                .sql("SELECT count(*) FROM lake.ca_files.events WHERE event_id = 'too-late'")
                .first()
                .getLong(0))
        .isZero();
  }

  @Test
  void kafkaEventsIncludingUnreadableOnesAreReadOnceFromTheTopic(SparkSession spark)
      throws Exception {
    String topic = "customer-events-" + System.nanoTime();
    List<String> lines = new ArrayList<>(events(1, 200));
    lines.add("not json at all");
    try (KafkaProducer<String, String> p =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrap()),
            new StringSerializer(),
            new StringSerializer())) {
      for (String l : lines) {
        p.send(new ProducerRecord<>(topic, l));
      }
    }
    Path config =
        config(
            "ca_kafka",
            "{kafka: {bootstrapServers: \"" + TestKafka.bootstrap() + "\", topic: " + topic + "}}");
    Launched dry = run(config, "--dry-run");
    assertThat(dry.code()).as(dry.all()).isEqualTo(ExitCode.OK);
    Launched r = run(config);
    assertThat(r.code()).as(r.all()).isEqualTo(ExitCode.OK);
    long bad = lines.stream().filter(l -> l.contains("null") || l.contains("clik")).count() + 1;
    assertThat(r.out()).contains("201 event(s) in, " + (201 - bad) + " new");
    assertThat(
            spark
                .sql("SELECT raw FROM lake.ca_kafka.events_quarantine WHERE raw IS NOT NULL")
                .first()
                .getString(0))
        .isEqualTo("not json at all");
    assertThat(run(config).out()).contains("0 event(s) in");
    assertThat(pgCount("SELECT count(*) FROM ca_kafka.customer_metrics")).isEqualTo(7);
  }

  @Test
  void dryRunNamesAnUnreachableBrokerAndEmitK8sSchedulesTheHourlyRun() throws Exception {
    Path config =
        config(
            "ca_dry", "{kafka: {bootstrapServers: \"127.0.0.1:1\", topic: t, connectTimeout: 3s}}");
    Launched dry = run(config, "--dry-run");
    assertThat(dry.code()).isEqualTo(ExitCode.USAGE);
    assertThat(dry.all())
        .contains("no Kafka broker answered at 127.0.0.1:1")
        .doesNotContain("\tat ");
    Path onKubernetes =
        Files.writeString(
            dir.resolve("k8s.yaml"),
            Files.readString(config)
                .replace(dir.resolve("pg-password").toString(), "/run/secrets/pg/password"));
    Launched k8s = run(onKubernetes, "--emit-k8s", "scheduled");
    assertThat(k8s.code()).as(k8s.all()).isEqualTo(ExitCode.OK);
    assertThat(k8s.out())
        .contains("kind: ScheduledSparkApplication")
        .contains("5 * * * *")
        .contains("customer-analytics");
  }
}
