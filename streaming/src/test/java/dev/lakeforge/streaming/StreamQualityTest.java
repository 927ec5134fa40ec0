package dev.lakeforge.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.core.config.Secret;
import dev.lakeforge.core.job.Launcher;
import dev.lakeforge.quality.Analyzer;
import dev.lakeforge.quality.AnomalyStrategy;
import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.MetricsQuery;
import dev.lakeforge.quality.MetricsRepository;
import dev.lakeforge.quality.StoredRun;
import dev.lakeforge.testing.EmbeddedPostgresServer;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The validated consumer against a real Kafka broker: dead letters, alerts, exactly-once Iceberg
 * sink.
 */
@SparkTest
class StreamQualityTest {
  private static final StructType SCHEMA =
      new StructType()
          .add("order_id", DataTypes.LongType)
          .add("status", DataTypes.StringType)
          .add("amount", DataTypes.DoubleType);

  /** Malformed records; none may be dropped and none may fail the query. */
  static List<byte[]> corpus() {
    List<byte[]> bad = new ArrayList<>();
    for (String s :
        List.of(
            "{\"order_id\": 1, \"sta",
            "{\"order_id\": \"abc\", \"status\": \"NEW\", \"amount\": 1.0}",
            "{\"order_id\": 99999999999999999999999999, \"status\": \"NEW\", \"amount\": 1.0}",
            "{\"status\": \"NEW\", \"amount\": 1.0}",
            "{\"order_id\": null, \"status\": \"NEW\"}",
            "",
            "[1, 2, 3]",
            "\"just a string\"",
            "not json at all",
            "{\"order_id\": 7, \"amount\": \"lots\"}")) {
      bad.add(s.getBytes(StandardCharsets.UTF_8));
    }
    bad.add(
        new byte[] {
          '{',
          '"',
          'o',
          'r',
          'd',
          'e',
          'r',
          '_',
          'i',
          'd',
          '"',
          ':',
          '8',
          ',',
          '"',
          's',
          '"',
          ':',
          '"',
          (byte) 0xff,
          (byte) 0xfe,
          '"',
          '}'
        });
    return bad;
  }

  static KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put("bootstrap.servers", TestKafka.bootstrap());
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    p.put("acks", "all");
    return new KafkaProducer<>(p);
  }

  static void produce(String topic, int from, int to, List<byte[]> extra) throws Exception {
    try (KafkaProducer<byte[], byte[]> p = producer()) {
      for (int i = from; i < to; i++) {
        String v =
            "{\"order_id\": "
                + i
                + ", \"status\": \"NEW\", \"amount\": "
                + (i % 10 == 9 ? -1.0 : i * 1.5)
                + "}";
        p.send(
                new ProducerRecord<>(
                    topic,
                    ("k" + i).getBytes(StandardCharsets.UTF_8),
                    v.getBytes(StandardCharsets.UTF_8)))
            .get();
      }
      for (byte[] e : extra) {
        p.send(new ProducerRecord<>(topic, "bad".getBytes(StandardCharsets.UTF_8), e)).get();
      }
    }
  }

  static List<ConsumerRecord<byte[], byte[]>> consumeAll(String topic, int atLeast) {
    Properties p = new Properties();
    p.put("bootstrap.servers", TestKafka.bootstrap());
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts =
          c.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(300)).forEach(out::add);
        if (out.size() >= atLeast) {
          c.poll(Duration.ofMillis(500)).forEach(out::add);
          break;
        }
      }
    }
    return out;
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    var h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static void run(SparkSession spark, String checkpoint) throws Exception {
    StreamQuality.fromKafka(TestKafka.bootstrap())
        .name("orders-pipeline")
        .topics("orders")
        .option("startingOffsets", "earliest")
        .option("maxOffsetsPerTrigger", "40")
        .json(SCHEMA, "order_id")
        .validate(Check.error("orders").isNonNegative("amount").isComplete("status"))
        .deadLetterTopic("orders-dlq")
        .alertTopic("quality-alerts")
        .toIceberg("lake.stream.orders")
        .checkpoint(checkpoint)
        .trigger(Trigger.AvailableNow())
        .build()
        .start(spark)
        .awaitTermination();
  }

  @Test
  void writersGetTheSourcesProducerSettingsAndNotItsConsumerOnes(SparkSession spark) {
    Map<String, String> writer =
        StreamQuality.fromKafka("broker:9092")
            .option("kafka.security.protocol", "SSL")
            .option("kafka.ssl.truststore.location", "/etc/kafka/trust.jks")
            .option("kafka.group.id", "dq")
            .option("kafka.max.poll.records", "500")
            .option("kafka.isolation.level", "read_committed")
            .option("startingOffsets", "earliest")
            .topics("t")
            .json(SCHEMA)
            .deadLetterTopic("dlq")
            .toKafkaTopic("out")
            .checkpoint("/tmp/unused")
            .build()
            .writerOptions();
    assertThat(writer)
        .containsEntry("kafka.bootstrap.servers", "broker:9092")
        .containsEntry("kafka.security.protocol", "SSL")
        .containsEntry("kafka.ssl.truststore.location", "/etc/kafka/trust.jks")
        .doesNotContainKeys(
            "kafka.group.id", "kafka.max.poll.records", "kafka.isolation.level", "startingOffsets");
  }

  @Test
  void badRecordsAreDeadLetteredGoodOnesLandOnceAndFailedChecksAlert(
      SparkSession spark, TestWarehouse w) throws Exception {
    TestKafka.createTopics("orders", "orders-dlq", "quality-alerts");
    spark.sql("DROP TABLE IF EXISTS lake.stream.orders");
    spark.sql(
        "CREATE TABLE lake.stream.orders (order_id BIGINT, status STRING, amount DOUBLE) USING iceberg");
    List<byte[]> corpus = corpus();
    produce("orders", 0, 100, corpus);
    String checkpoint = w.resolve("checkpoint").toString();
    run(spark, checkpoint);

    // 100 good records, of which every tenth has a negative amount and is dead-lettered by the
    // check
    assertThat(spark.table("lake.stream.orders").count()).isEqualTo(90);
    assertThat(
            spark.sql("SELECT count(DISTINCT order_id) FROM lake.stream.orders").first().getLong(0))
        .isEqualTo(90);
    List<ConsumerRecord<byte[], byte[]>> dead = consumeAll("orders-dlq", corpus.size() + 10);
    assertThat(dead).hasSize(corpus.size() + 10);
    for (ConsumerRecord<byte[], byte[]> r : dead) {
      assertThat(header(r, "dlq.reason"))
          .as(new String(r.value(), StandardCharsets.UTF_8))
          .isNotBlank();
      assertThat(header(r, "dlq.topic")).isEqualTo("orders");
      assertThat(header(r, "dlq.offset")).isNotBlank();
    }
    List<String> reasons = dead.stream().map(r -> header(r, "dlq.reason")).toList();
    assertThat(reasons)
        .contains(
            "empty payload",
            "value is not valid UTF-8",
            "value is not a JSON object",
            "required field 'order_id' is missing or null",
            "orders: isNonNegative(amount)");
    assertThat(reasons).anyMatch(r -> r.startsWith("malformed JSON or a value of the wrong type"));
    // the original bytes are kept exactly, invalid UTF-8 too
    assertThat(dead.stream().map(ConsumerRecord::value).toList())
        .anyMatch(v -> Arrays.equals(v, corpus.get(corpus.size() - 1)));
    List<ConsumerRecord<byte[], byte[]>> alerts = consumeAll("quality-alerts", 1);
    assertThat(alerts).isNotEmpty();
    String alert = new String(alerts.get(0).value(), StandardCharsets.UTF_8);
    assertThat(alert)
        .contains("\"pipeline\":\"orders-pipeline\"")
        .contains("\"constraint\":\"isNonNegative(amount)\"")
        .contains("\"batchId\"")
        .doesNotContain("\"firstOffendingOffsets\":[]");
    // the earliest record time of the batch, so a consumer can tell how late the alert is
    Instant earliest =
        Instant.parse(alert.replaceAll(".*\"earliestRecordTime\":\"([^\"]+)\".*", "$1"));
    assertThat(alerts.get(0).timestamp()).isGreaterThanOrEqualTo(earliest.toEpochMilli());
    // the pipeline's cache setting stays in the query's own session
    assertThat(spark.conf().get("spark.sql.inMemoryColumnarStorage.compressed")).isEqualTo("true");

    // more data after a restart from the checkpoint: each record still lands once
    produce("orders", 100, 150, List.of());
    run(spark, checkpoint);
    assertThat(spark.table("lake.stream.orders").count()).isEqualTo(135);

    // a crash after the Iceberg commit but before the checkpoint commit: the batch is replayed and
    // skipped
    Path commits = Path.of(checkpoint, "commits");
    Path last;
    try (Stream<Path> s = Files.list(commits)) {
      last =
          s.filter(p -> p.getFileName().toString().matches("\\d+"))
              .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString())))
              .orElseThrow();
    }
    Files.delete(last);
    Files.deleteIfExists(commits.resolve("." + last.getFileName() + ".crc"));
    run(spark, checkpoint);
    assertThat(spark.table("lake.stream.orders").count()).isEqualTo(135);
    assertThat(
            spark.sql("SELECT count(DISTINCT order_id) FROM lake.stream.orders").first().getLong(0))
        .isEqualTo(135);
  }

  @Test
  void
      aGeneratedCorpusOfMalformedRecordsAllLandsInTheDeadLetterTopicWithItsReasonAndTheQueryNeverFails(
          SparkSession spark, TestWarehouse w) throws Exception {
    TestKafka.createTopics("mangled", "mangled-dlq");
    spark.sql("DROP TABLE IF EXISTS lake.stream.mangled");
    spark.sql(
        "CREATE TABLE lake.stream.mangled (order_id BIGINT, status STRING, amount DOUBLE) USING iceberg");
    List<MalformedCorpus.Malformed> corpus = MalformedCorpus.generate(20261123L, 40);
    Map<String, MalformedCorpus.Malformed> sent = new HashMap<>(); // "partition/offset" -> record
    Random random = new Random(1);
    int good = 0;
    try (KafkaProducer<byte[], byte[]> p = producer()) {
      for (int i = 0; i < corpus.size(); i++) {
        MalformedCorpus.Malformed m = corpus.get(i);
        var at =
            p.send(
                    new ProducerRecord<>(
                        "mangled", ("bad-" + i).getBytes(StandardCharsets.UTF_8), m.value()))
                .get();
        sent.put(at.partition() + "/" + at.offset(), m);
        if (i % 4 == 0) {
          p.send(
                  new ProducerRecord<>(
                      "mangled",
                      ("good-" + good).getBytes(StandardCharsets.UTF_8),
                      MalformedCorpus.valid(good, random).getBytes(StandardCharsets.UTF_8)))
              .get();
          good++;
        }
      }
      // a huge but valid value (600 KB of status) is a good record, not a failure
      p.send(
              new ProducerRecord<>(
                  "mangled",
                  ("good-" + good).getBytes(StandardCharsets.UTF_8),
                  ("{\"order_id\": "
                          + good
                          + ", \"status\": \""
                          + "x".repeat(600_000)
                          + "\", \"amount\": 1.0}")
                      .getBytes(StandardCharsets.UTF_8)))
          .get();
      good++;
    }
    StreamQuality.fromKafka(TestKafka.bootstrap())
        .name("mangled")
        .topics("mangled")
        .option("startingOffsets", "earliest")
        .option("maxOffsetsPerTrigger", "100")
        .json(SCHEMA, "order_id")
        .validate(Check.error("mangled").isNonNegative("amount"))
        .deadLetterTopic("mangled-dlq")
        .toIceberg("lake.stream.mangled")
        .checkpoint(w.resolve("mangled-checkpoint").toString())
        .trigger(Trigger.AvailableNow())
        .build()
        .start(spark)
        .awaitTermination(); // throws if the query failed

    assertThat(
            spark
                .sql(
                    "SELECT count(*), count(DISTINCT order_id), max(order_id) FROM lake.stream.mangled")
                .first())
        .isEqualTo(RowFactory.create((long) good, (long) good, (long) good - 1));
    List<ConsumerRecord<byte[], byte[]>> dead = consumeAll("mangled-dlq", corpus.size());
    assertThat(dead).hasSize(corpus.size());
    Set<String> seen = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : dead) {
      String at = header(r, "dlq.partition") + "/" + header(r, "dlq.offset");
      MalformedCorpus.Malformed m = sent.get(at);
      assertThat(m).as("dead letter for %s is one of the malformed records", at).isNotNull();
      assertThat(seen.add(at)).as("%s dead-lettered once", at).isTrue();
      assertThat(r.value()).as("original bytes of %s (%s)", at, m.kind()).isEqualTo(m.value());
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).startsWith("bad-");
      assertThat(header(r, "dlq.reason"))
          .as("reason for %s (%s)", at, m.kind())
          .matches(m.kind().reason);
    }
  }

  @Test
  void streamQualityJobRunsFromYaml(SparkSession spark, TestWarehouse w) throws Exception {
    TestKafka.createTopics("payments", "payments-dlq", "payments-alerts");
    spark.sql("DROP TABLE IF EXISTS lake.stream.payments");
    spark.sql(
        "CREATE TABLE lake.stream.payments (order_id BIGINT, status STRING, amount DOUBLE) USING iceberg");
    produce("payments", 0, 30, List.of("oops".getBytes(StandardCharsets.UTF_8)));
    // a warning-level check (no alert), and an anomaly check on the batch size (an alert)
    Files.writeString(
        w.resolve("payments-suite.yaml"),
        """
        checks:
          - description: payments
            level: warning
            constraints:
              - isNonNegative: amount
        analyzers:
          - mean: amount
        anomalies:
          - analyzer: size
            strategy: {simpleThresholds: {lower: 0, upper: 20}}
        """);
    // the value schema from a JSON Schema file, whose required list is enforced
    Files.writeString(
        w.resolve("payment.schema.json"),
        """
        {"type": "object", "properties": {"order_id": {"type": "integer"}, "status": {"type": "string"},
         "amount": {"type": ["number", "null"]}}, "required": ["order_id"]}
        """);
    Path config =
        Files.writeString(
            w.resolve("stream.yaml"),
            """
        stream-quality:
          name: payments-pipeline
          kafka: {bootstrapServers: "%s", topics: [payments], startingOffsets: earliest}
          schemaFile: payment.schema.json
          suite: payments-suite.yaml
          metricsRepository: payments-metrics
          deadLetterTopic: payments-dlq
          alertTopic: payments-alerts
          table: lake.stream.payments
          checkpoint: %s
          trigger: availableNow
        run: {reportDir: %s}
        """
                .formatted(
                    TestKafka.bootstrap(), w.resolve("payments-checkpoint"), w.resolve("runs")));
    JobRun run = runJob(config);
    assertThat(run.code()).as(run.out() + run.err()).isZero();
    assertThat(spark.table("lake.stream.payments").count()).isEqualTo(27);
    assertThat(consumeAll("payments-dlq", 4)).hasSize(4);
    // the batch's metrics are in the repository, the suite's analyzers too, and the anomaly alerted
    List<StoredRun> runs =
        MetricsRepository.files(w.resolve("payments-metrics").toString()).load(MetricsQuery.all());
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).key().tags()).containsEntry("pipeline", "payments-pipeline");
    assertThat(runs.get(0).value(Analyzer.size())).hasValue(30.0);
    assertThat(runs.get(0).value(Analyzer.mean("amount"))).isPresent();
    List<ConsumerRecord<byte[], byte[]>> alerts = consumeAll("payments-alerts", 1);
    assertThat(alerts).hasSize(1);
    assertThat(new String(alerts.get(0).value(), StandardCharsets.UTF_8))
        .contains("\"kind\":\"anomaly\"")
        .contains("\"metric\":\"Size(*)\"");
    Path bad =
        Files.writeString(
            w.resolve("bad-stream.yaml"),
            "stream-quality:\n  kafka: {bootstrapServers: x, topics: [t]}\n"
                + "  schema: \"order_id BIGIN\"\n  deadLetterTopic: d\n  table: lake.stream.payments\n  checkpoint: /tmp/c\n");
    assertThat(usageError(bad))
        .contains("bad-stream.yaml:")
        .contains("stream-quality.schema")
        .contains("is not valid SQL DDL");
    Files.writeString(
        w.resolve("ref.schema.json"),
        "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/a\"}}}");
    Path badFile =
        Files.writeString(
            w.resolve("bad-file-stream.yaml"),
            "stream-quality:\n  kafka: {bootstrapServers: x,"
                + " topics: [t]}\n  schemaFile: ref.schema.json\n  deadLetterTopic: d\n  table: lake.stream.payments\n"
                + "  checkpoint: /tmp/c\n");
    assertThat(usageError(badFile))
        .contains("bad-file-stream.yaml:")
        .contains("stream-quality.schemaFile")
        .contains("ref.schema.json at /properties/a: $ref is not supported");
    Path noRepository =
        Files.writeString(
            w.resolve("no-repository-stream.yaml"),
            "stream-quality:\n  kafka: {bootstrapServers:"
                + " x, topics: [t]}\n  schema: \"order_id BIGINT\"\n  suite: payments-suite.yaml\n  deadLetterTopic: d\n"
                + "  table: lake.stream.payments\n  checkpoint: /tmp/c\n");
    assertThat(usageError(noRepository))
        .contains("no-repository-stream.yaml:")
        .contains("stream-quality.suite")
        .contains(
            "has anomaly checks, which compare each batch with the earlier ones: set stream-quality.metricsRepository");
  }

  /** What the {@code stream-quality} job printed, and its exit code. */
  record JobRun(int code, String out, String err) {}

  static JobRun runJob(Path config, String... more) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new Launcher(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .execute(
                Stream.concat(
                        Stream.of("stream-quality", "--config", config.toString()), Stream.of(more))
                    .toArray(String[]::new));
    return new JobRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /**
   * Runs the job on a config that must be refused: exit code 2; returns what it printed to stderr.
   */
  private static String usageError(Path config) {
    JobRun run = runJob(config);
    assertThat(run.code()).as(run.err()).isEqualTo(2);
    return run.err();
  }

  @Test
  void postgresUpsertKafkaOutputAndDeduplicationHoldEachRecordOnce(
      SparkSession spark, TestWarehouse w) throws Exception {
    TestKafka.createTopics("refunds", "refunds-dlq", "refunds-clean", "refunds-alerts");
    spark.sql("DROP TABLE IF EXISTS lake.stream.refunds");
    spark.sql(
        "CREATE TABLE lake.stream.refunds (order_id BIGINT, status STRING, amount DOUBLE) USING iceberg");
    String url = EmbeddedPostgresServer.jdbcUrl();
    try (var c = DriverManager.getConnection(url, "postgres", "postgres")) {
      c.createStatement()
          .execute(
              "CREATE TABLE refunds (order_id BIGINT PRIMARY KEY, status TEXT, amount DOUBLE PRECISION)");
    }
    produce("refunds", 0, 20, List.of());
    produce(
        "refunds", 5, 10, List.of()); // the same 5 orders again: duplicates within the watermark
    String checkpoint = w.resolve("refunds-checkpoint").toString();
    AtomicReference<RunningPipeline.Counts> counts = new AtomicReference<>();
    Runnable run =
        () -> {
          try {
            // a check that fails on no rows (completeness of nothing is undefined): an empty batch
            // must not reach it
            RunningPipeline q =
                StreamQuality.fromKafka(TestKafka.bootstrap())
                    .name("refunds")
                    .topics("refunds")
                    .option("startingOffsets", "earliest")
                    .json(SCHEMA, "order_id")
                    .deduplicate("order_id", "1 hour")
                    .validate(Check.error("refunds").isComplete("status"))
                    .deadLetterTopic("refunds-dlq")
                    .alertTopic("refunds-alerts")
                    .toIceberg("lake.stream.refunds")
                    .toKafkaTopic("refunds-clean")
                    .toPostgres(url, "postgres", Secret.of("postgres"), "refunds", "order_id")
                    .checkpoint(checkpoint)
                    .trigger(Trigger.AvailableNow())
                    .build()
                    .start(spark);
            q.awaitTermination();
            counts.set(q.counts());
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };
    run.run();
    assertThat(spark.table("lake.stream.refunds").count()).isEqualTo(20);
    assertThat(consumeAll("refunds-clean", 20)).hasSize(20);
    // 25 records read, of which deduplication dropped 5: each is counted
    assertThat(counts.get())
        .extracting(
            RunningPipeline.Counts::recordsIn,
            RunningPipeline.Counts::duplicates,
            RunningPipeline.Counts::good)
        .containsExactly(25L, 5L, 20L);
    // a replayed batch: the upsert writes nothing twice
    try (Stream<Path> s = Files.list(Path.of(checkpoint, "commits"))) {
      for (Path p : s.toList()) {
        Files.delete(p);
      }
    }
    run.run();
    try (var c = DriverManager.getConnection(url, "postgres", "postgres");
        var rs =
            c.createStatement()
                .executeQuery("SELECT count(*), count(DISTINCT order_id) FROM refunds")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(20);
      assertThat(rs.getLong(2)).isEqualTo(20);
    }
    assertThat(spark.table("lake.stream.refunds").count()).isEqualTo(20);

    // a batch of nothing but duplicates: deduplication leaves no rows, and no rows raise no alert
    produce("refunds", 0, 5, List.of());
    run.run();
    assertThat(counts.get().batches()).as("the batch ran").isPositive();
    assertThat(counts.get().alerts()).isZero();
    assertThat(counts.get().duplicates()).isEqualTo(5);
    assertThat(counts.get().recordsIn()).isEqualTo(5);
    assertThat(spark.table("lake.stream.refunds").count()).isEqualTo(20);
  }

  @Test
  void tlsListenerWithTruststoreFromASecretFile(SparkSession spark, TestWarehouse w)
      throws Exception {
    TestKafka.createTopics("secure", "secure-dlq");
    spark.sql("DROP TABLE IF EXISTS lake.stream.secure");
    spark.sql(
        "CREATE TABLE lake.stream.secure (order_id BIGINT, status STRING, amount DOUBLE) USING iceberg");
    produce("secure", 0, 10, List.of("nope".getBytes(StandardCharsets.UTF_8)));
    Path secret =
        Files.writeString(w.resolve("truststore-password"), TestKafka.STORE_PASSWORD + "\n");
    Path config =
        Files.writeString(
            w.resolve("secure.yaml"),
            """
        stream-quality:
          name: secure-pipeline
          kafka:
            bootstrapServers: "%s"
            topics: [secure]
            startingOffsets: earliest
            options:
              kafka.security.protocol: SSL
              kafka.ssl.truststore.location: "%s"
              kafka.ssl.truststore.type: JKS
              kafka.ssl.truststore.password: "${file:%s}"
          schema: "order_id BIGINT, status STRING, amount DOUBLE"
          required: [order_id]
          deadLetterTopic: secure-dlq
          table: lake.stream.secure
          checkpoint: %s
          trigger: availableNow
        run: {reportDir: %s}
        """
                .formatted(
                    TestKafka.sslBootstrap(),
                    TestKafka.truststore(),
                    secret,
                    w.resolve("secure-checkpoint"),
                    w.resolve("runs")));
    JobRun run = runJob(config);
    assertThat(run.code()).as(run.out() + run.err()).isZero();
    assertThat(spark.table("lake.stream.secure").count())
        .isEqualTo(10); // no suite: only decoding can reject
    assertThat(consumeAll("secure-dlq", 1)).hasSize(1); // written over TLS too
    assertThat(run.out() + run.err()).doesNotContain(TestKafka.STORE_PASSWORD);
  }

  @Test
  void avroRecordsDecodeAndUndecodableOnesAreDeadLetteredWithCountsInTheRunReport(
      SparkSession spark, TestWarehouse w) throws Exception {
    TestKafka.createTopics("avro-orders", "avro-dlq");
    spark.sql("DROP TABLE IF EXISTS lake.stream.avro_orders");
    spark.sql(
        "CREATE TABLE lake.stream.avro_orders (order_id BIGINT, status STRING, amount DOUBLE) USING iceberg");
    String avsc =
        "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"order_id\",\"type\":\"long\"},"
            + "{\"name\":\"status\",\"type\":[\"null\",\"string\"]},{\"name\":\"amount\",\"type\":[\"null\",\"double\"]}]}";
    Files.writeString(w.resolve("order.avsc"), avsc); // the config's avroSchemaFile
    Schema schema = new Schema.Parser().parse(avsc);
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      GenericRecord r = new GenericData.Record(schema);
      r.put("order_id", (long) i);
      r.put("status", "NEW");
      r.put("amount", i * 2.0);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      var encoder = EncoderFactory.get().binaryEncoder(bytes, null);
      new GenericDatumWriter<GenericRecord>(schema).write(r, encoder);
      encoder.flush();
      values.add(bytes.toByteArray());
    }
    values.add(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}); // not Avro for this schema
    values.add(new byte[0]); // empty
    try (KafkaProducer<byte[], byte[]> p = producer()) {
      for (byte[] v : values) {
        p.send(new ProducerRecord<>("avro-orders", null, v)).get();
      }
    }
    Path config =
        Files.writeString(
            w.resolve("avro.yaml"),
            """
        stream-quality:
          name: avro-pipeline
          kafka: {bootstrapServers: "%s", topics: [avro-orders], startingOffsets: earliest}
          avroSchemaFile: order.avsc
          required: [order_id]
          deadLetterTopic: avro-dlq
          table: lake.stream.avro_orders
          checkpoint: %s
          trigger: availableNow
        run: {reportDir: %s}
        """
                .formatted(
                    TestKafka.bootstrap(), w.resolve("avro-checkpoint"), w.resolve("avro-runs")));
    JobRun run = runJob(config);
    assertThat(run.code()).as(run.out() + run.err()).isZero();
    assertThat(spark.table("lake.stream.avro_orders").count()).isEqualTo(12);
    assertThat(spark.table("lake.stream.avro_orders").where("order_id = 11").first().getDouble(2))
        .isEqualTo(22.0);
    List<String> reasons =
        consumeAll("avro-dlq", 2).stream().map(r -> header(r, "dlq.reason")).toList();
    assertThat(reasons)
        .containsExactlyInAnyOrder("value is not valid Avro for the schema", "empty payload");
    assertThat(run.out()).contains("14 in, 12 good, 0 bad, 2 dead-lettered, 0 alert(s)");
    try (var reports = Files.list(w.resolve("avro-runs"))) {
      String report = Files.readString(reports.findFirst().orElseThrow());
      assertThat(report)
          .contains("\"recordsIn\" : 14")
          .contains("\"deadLettered\" : 2")
          .contains("\"lag\"");
    }
  }

  @ParameterizedTest(name = "SASL {0}")
  @CsvSource({
    "PLAIN, org.apache.kafka.common.security.plain.PlainLoginModule",
    "SCRAM-SHA-256, org.apache.kafka.common.security.scram.ScramLoginModule"
  })
  void saslPlainAndScramWithTheJaasConfigFromASecretFile(
      String mechanism, String loginModule, SparkSession spark, TestWarehouse w) throws Exception {
    String topic = "sasl-" + mechanism.toLowerCase(Locale.ROOT);
    String table = "lake.stream.sasl_" + mechanism.toLowerCase(Locale.ROOT).replace("-", "_");
    TestKafka.createTopics(topic, topic + "-dlq");
    spark.sql("DROP TABLE IF EXISTS " + table);
    spark.sql(
        "CREATE TABLE " + table + " (order_id BIGINT, status STRING, amount DOUBLE) USING iceberg");
    produce(topic, 0, 5, List.of("x".getBytes(StandardCharsets.UTF_8)));
    Path jaas =
        Files.writeString(
            w.resolve(topic + ".jaas"),
            loginModule
                + " required username=\""
                + TestKafka.SASL_USER
                + "\" password=\""
                + TestKafka.SASL_PASSWORD
                + "\";");
    Path config =
        Files.writeString(
            w.resolve(topic + ".yaml"),
            """
        stream-quality:
          name: %s
          kafka:
            bootstrapServers: "%s"
            topics: [%s]
            startingOffsets: earliest
            options:
              kafka.security.protocol: SASL_PLAINTEXT
              kafka.sasl.mechanism: %s
              kafka.sasl.jaas.config: "${file:%s}"
          schema: "order_id BIGINT, status STRING, amount DOUBLE"
          deadLetterTopic: %s-dlq
          table: %s
          checkpoint: %s
          trigger: availableNow
        run: {reportDir: %s}
        """
                .formatted(
                    topic,
                    TestKafka.saslBootstrap(),
                    topic,
                    mechanism,
                    jaas,
                    topic,
                    table,
                    w.resolve(topic + "-checkpoint"),
                    w.resolve("runs")));
    JobRun run = runJob(config);
    assertThat(run.code()).as(run.out() + run.err()).isZero();
    assertThat(spark.table(table).count()).isEqualTo(5);
    assertThat(consumeAll(topic + "-dlq", 1)).hasSize(1);
    assertThat(run.out() + run.err()).doesNotContain(TestKafka.SASL_PASSWORD);
  }

  @Test
  void anomaliesAgainstEarlierBatchesAlertWithTheirLatency(SparkSession spark, TestWarehouse w)
      throws Exception {
    TestKafka.createTopics("clicks", "clicks-dlq", "clicks-alerts");
    spark.sql("DROP TABLE IF EXISTS lake.stream.clicks");
    spark.sql(
        "CREATE TABLE lake.stream.clicks (order_id BIGINT, status STRING, amount DOUBLE) USING iceberg");
    MetricsRepository repo =
        MetricsRepository.files(w.resolve("clicks-metrics").toUri().toString());
    String checkpoint = w.resolve("clicks-checkpoint").toString();
    for (int round = 0; round < 4; round++) {
      int size = round < 3 ? 10 : 60; // three quiet batches of 10, then a burst of 60
      produce("clicks", round * 100, round * 100 + size, List.of());
      StreamQuality.fromKafka(TestKafka.bootstrap())
          .name("clicks")
          .topics("clicks")
          .option("startingOffsets", "earliest")
          .json(SCHEMA, "order_id")
          .alertOnAnomaly(repo, AnomalyStrategy.relativeRateOfChange(0.5, 2.0), Analyzer.size())
          .deadLetterTopic("clicks-dlq")
          .alertTopic("clicks-alerts")
          .toIceberg("lake.stream.clicks")
          .checkpoint(checkpoint)
          .trigger(Trigger.AvailableNow())
          .build()
          .start(spark)
          .awaitTermination();
    }
    List<ConsumerRecord<byte[], byte[]>> alerts = consumeAll("clicks-alerts", 1);
    assertThat(alerts).hasSize(1);
    String alert = new String(alerts.get(0).value(), StandardCharsets.UTF_8);
    assertThat(alert)
        .contains("\"kind\":\"anomaly\"")
        .contains("\"pipeline\":\"clicks\"")
        .contains("RelativeRateOfChange")
        .contains("\"value\":60.0")
        .contains("\"latencyMs\":");
    long latency = Long.parseLong(alert.replaceAll(".*\"latencyMs\":(\\d+).*", "$1"));
    assertThat(latency).isPositive().isLessThan(120_000);
    assertThat(spark.table("lake.stream.clicks").count()).isEqualTo(90);
  }

  @Test
  void eachAlertListsTheOffsetsThatBrokeItsOwnConstraint(SparkSession spark, TestWarehouse w)
      throws Exception {
    TestKafka.createTopics("own-offsets", "own-offsets-dlq", "own-offsets-alerts");
    spark.sql("DROP TABLE IF EXISTS lake.stream.own_offsets");
    spark.sql(
        "CREATE TABLE lake.stream.own_offsets (order_id BIGINT, status STRING, amount DOUBLE) USING iceberg");
    try (KafkaProducer<byte[], byte[]> p = producer()) {
      for (int i = 0;
          i < 12;
          i++) { // partition 0, offsets 0..11: 1, 5, 9 break the amount; 3, 7, 11 the status
        String status = i % 4 == 3 ? "null" : "\"NEW\"";
        String v =
            "{\"order_id\": "
                + i
                + ", \"status\": "
                + status
                + ", \"amount\": "
                + (i % 4 == 1 ? -1 : i)
                + "}";
        p.send(new ProducerRecord<>("own-offsets", 0, null, v.getBytes(StandardCharsets.UTF_8)))
            .get();
      }
    }
    StreamQuality.fromKafka(TestKafka.bootstrap())
        .name("own-offsets")
        .topics("own-offsets")
        .option("startingOffsets", "earliest")
        .json(SCHEMA, "order_id")
        .validate(Check.error("orders").isNonNegative("amount").isComplete("status"))
        .deadLetterTopic("own-offsets-dlq")
        .alertTopic("own-offsets-alerts")
        .toIceberg("lake.stream.own_offsets")
        .checkpoint(w.resolve("own-offsets-checkpoint").toString())
        .trigger(Trigger.AvailableNow())
        .build()
        .start(spark)
        .awaitTermination();
    Map<String, List<Long>> offsets = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : consumeAll("own-offsets-alerts", 2)) {
      Alert alert = Alert.fromJson(new String(r.value(), StandardCharsets.UTF_8));
      assertThat(alert.kind()).isEqualTo(Alert.Kind.CHECK);
      assertThat(alert.firstOffendingOffsets())
          .allSatisfy(o -> assertThat(o.topic() + "-" + o.partition()).isEqualTo("own-offsets-0"));
      offsets.put(
          alert.constraint(),
          alert.firstOffendingOffsets().stream().map(Alert.Offset::offset).toList());
    }
    assertThat(offsets)
        .containsOnly(
            Map.entry("isNonNegative(amount)", List.of(1L, 5L, 9L)),
            Map.entry("isComplete(status)", List.of(3L, 7L, 11L)));
  }

  @Test
  void brokerDownAndBackLosesNothing(SparkSession spark, TestWarehouse w) throws Exception {
    TestKafka.createTopics("outage", "outage-dlq");
    spark.sql("DROP TABLE IF EXISTS lake.stream.outage");
    spark.sql(
        "CREATE TABLE lake.stream.outage (order_id BIGINT, status STRING, amount DOUBLE) USING iceberg");
    String checkpoint = w.resolve("outage-checkpoint").toString();
    Supplier<StreamingQuery> start =
        () ->
            StreamQuality.fromKafka(TestKafka.bootstrap())
                .name("outage")
                .topics("outage")
                .option("startingOffsets", "earliest")
                .json(SCHEMA, "order_id")
                .deadLetterTopic("outage-dlq")
                .toIceberg("lake.stream.outage")
                .checkpoint(checkpoint)
                .trigger(Trigger.ProcessingTime(300))
                .build()
                .start(spark)
                .query();
    produce("outage", 0, 20, List.of());
    var query = start.get();
    waitFor(() -> spark.table("lake.stream.outage").count() == 20, query);
    TestKafka.restart(Duration.ofSeconds(3));
    produce("outage", 20, 40, List.of());
    long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
    while (spark.table("lake.stream.outage").count() < 40 && System.nanoTime() < deadline) {
      if (!query.isActive()) {
        query = start.get(); // as a supervisor (Kubernetes) would restart a failed job: from the
        // checkpoint
      }
      Thread.sleep(300);
    }
    query.stop();
    assertThat(spark.table("lake.stream.outage").count()).isEqualTo(40);
    assertThat(
            spark.sql("SELECT count(DISTINCT order_id) FROM lake.stream.outage").first().getLong(0))
        .isEqualTo(40);
  }

  private static void waitFor(BooleanSupplier done, StreamingQuery q) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      if (q.exception().isDefined()) {
        throw q.exception().get();
      }
      Thread.sleep(200);
    }
    assertThat(done.getAsBoolean()).as("condition within 300 s").isTrue();
  }
}
