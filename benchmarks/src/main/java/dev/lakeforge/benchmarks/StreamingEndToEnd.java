package dev.lakeforge.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.Location;
import dev.lakeforge.iceberg.CatalogSettings;
import dev.lakeforge.iceberg.Catalogs;
import dev.lakeforge.quality.Check;
import dev.lakeforge.streaming.StreamQuality;
import dev.lakeforge.streaming.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;

/**
 * The streaming pipeline end to end through a real Kafka broker (child process): validated records
 * per second for a 10-column JSON stream with a 10-constraint suite, the ratio to the same pipeline
 * without validation, and alert latency p50/p95 with a 1 s trigger.
 *
 * <pre>{@code
 * mvn -B -DskipTests install
 * mvn -B -pl benchmarks exec:exec@streaming-e2e      # -Dstreaming.records=1000000 -Dstreaming.maxOffsets=100000
 * }</pre>
 */
public final class StreamingEndToEnd {
  private StreamingEndToEnd() {}

  static final StructType SCHEMA = StreamingDecodeBenchmark.SCHEMA;

  static Check suite() {
    return Check.error("orders")
        .isComplete("order_id")
        .isComplete("status")
        .hasCompleteness("amount", c -> c > 0.9)
        .isNonNegative("amount")
        .isNonNegative("quantity")
        .isContainedIn("status", "NEW", "PAID", "SHIPPED", "CANCELLED")
        .isContainedIn("discount", 0, 1, true, true)
        .containsEmail("email")
        .isComplete("sku")
        .isLessThanOrEqualTo("tax", "quantity");
  }

  /**
   * A record; about 15% break a row-level constraint (14% {@code tax <= quantity}, 1% a null
   * amount).
   */
  static String record(long id) {
    return record(id, false);
  }

  /**
   * With {@code mostlyClean}, 2% of the records break a row-level constraint (1% a negative amount,
   * 1% a null amount, which the completeness constraint counts per row as Deequ does), not 15%.
   */
  static String record(long id, boolean mostlyClean) {
    long tax = mostlyClean ? Math.min(id % 3, id % 7) : id % 3;
    String amount =
        id % 97 == 0
            ? "null"
            : mostlyClean && id % 100 == 50
                ? "-1.0"
                : String.format(Locale.ROOT, "%.1f", (id % 5000) / 10.0);
    String status = List.of("NEW", "PAID", "SHIPPED", "CANCELLED").get((int) (id % 4));
    return String.format(
        Locale.ROOT,
        "{\"order_id\":%d,\"customer\":%d,\"status\":\"%s\",\"amount\":%s,\"quantity\":%d,"
            + "\"email\":\"user%d@example.com\",\"discount\":%.2f,\"sku\":\"SKU-%d\",\"tax\":%.1f,\"day\":%d}",
        id,
        id % 1000,
        status,
        amount,
        id % 7,
        id % 10000,
        (id % 100) / 100.0,
        id % 300,
        (double) tax,
        id % 365);
  }

  static KafkaProducer<String, String> producer() {
    Properties p = new Properties();
    p.put("bootstrap.servers", TestKafka.bootstrap());
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    p.put("linger.ms", "20");
    p.put("batch.size", "262144");
    return new KafkaProducer<>(p);
  }

  /**
   * Per query name: records and milliseconds of its triggers (batch work, not the query's start).
   */
  static final Map<String, long[]> TRIGGERS = new ConcurrentHashMap<>();

  static final StreamingQueryListener PROGRESS =
      new StreamingQueryListener() {
        @Override
        public void onQueryStarted(QueryStartedEvent e) {}

        @Override
        public void onQueryProgress(QueryProgressEvent e) {
          long[] t = TRIGGERS.computeIfAbsent(e.progress().name(), k -> new long[2]);
          t[0] += e.progress().numInputRows();
          t[1] += e.progress().durationMs().getOrDefault("triggerExecution", 0L);
        }

        @Override
        public void onQueryTerminated(QueryTerminatedEvent e) {}
      };

  /** Seconds from start to the end of an availableNow query over the whole topic. */
  static double run(SparkSession spark, String topic, String table, boolean validate, Path work)
      throws Exception {
    spark.sql("DROP TABLE IF EXISTS " + table);
    spark.sql("CREATE TABLE " + table + " (" + SCHEMA.toDDL() + ") USING iceberg");
    StreamQuality q =
        StreamQuality.fromKafka(TestKafka.bootstrap())
            .name(table)
            .topics(topic)
            .option("startingOffsets", "earliest")
            .option("maxOffsetsPerTrigger", System.getProperty("streaming.maxOffsets", "100000"))
            .json(SCHEMA, "order_id")
            .deadLetterTopic(topic + "-dlq")
            .toIceberg(table)
            .checkpoint(work.resolve(table + "-checkpoint").toString())
            .trigger(Trigger.AvailableNow());
    if (validate) {
      q.validate(suite());
    }
    long t0 = System.nanoTime();
    q.build().start(spark).awaitTermination();
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void report(String pipeline, long records, double seconds, String query) {
    System.out.printf(
        Locale.ROOT,
        "  %s: %.1f s = %.0f records/s; in triggers: %.0f records/s%n",
        pipeline,
        seconds,
        records / seconds,
        steady(query));
  }

  /** Records per second of trigger time (the query's start-up left out). */
  static double steady(String query) {
    long[] t = TRIGGERS.getOrDefault(query, new long[2]);
    return t[1] == 0 ? 0 : t[0] * 1000.0 / t[1];
  }

  /**
   * The same stream with Spark alone: Kafka source, from_json, Iceberg streaming sink; no dead
   * letters, no validation, no replay guard. The floor any pipeline on this machine starts from.
   */
  static double bare(SparkSession spark, String topic, String table, Path work) throws Exception {
    spark.sql("DROP TABLE IF EXISTS " + table);
    spark.sql("CREATE TABLE " + table + " (" + SCHEMA.toDDL() + ") USING iceberg");
    long t0 = System.nanoTime();
    spark
        .readStream()
        .format("kafka")
        .option("kafka.bootstrap.servers", TestKafka.bootstrap())
        .option("subscribe", topic)
        .option("startingOffsets", "earliest")
        .option("maxOffsetsPerTrigger", System.getProperty("streaming.maxOffsets", "100000"))
        .load()
        .select(
            org.apache
                .spark
                .sql
                .functions
                .from_json(org.apache.spark.sql.functions.col("value").cast("string"), SCHEMA)
                .as("v"))
        .select("v.*")
        .writeStream()
        .queryName(table)
        .format("iceberg")
        .option("checkpointLocation", work.resolve(table + "-checkpoint").toString())
        .trigger(Trigger.AvailableNow())
        .toTable(table)
        .awaitTermination();
    return (System.nanoTime() - t0) / 1e9;
  }

  public static void main(String[] args) throws Exception {
    long records = Long.parseLong(System.getProperty("streaming.records", "1000000"));
    Path work = Files.createTempDirectory("lakeforge-streaming-e2e");
    SparkSession.Builder b =
        SparkSession.builder()
            .config("spark.api.mode", "classic")
            .master("local[2]")
            .appName("lakeforge-streaming-e2e")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.extensions", Catalogs.EXTENSIONS);
    Catalogs.sparkConf("bench", CatalogSettings.hadoop(Location.of(work.resolve("lake"))))
        .forEach(b::config);
    SparkSession spark = b.getOrCreate();
    spark.streams().addListener(PROGRESS);

    TestKafka.createTopics(
        "warm", "warm-dlq", "e2e", "e2e-dlq", "clean", "clean-dlq", "lat", "lat-dlq", "lat-alerts");
    try (KafkaProducer<String, String> p = producer()) {
      for (long i = 0; i < records; i++) {
        p.send(new ProducerRecord<>("e2e", Long.toString(i), record(i)));
        p.send(new ProducerRecord<>("clean", Long.toString(i), record(i, true)));
        if (i < records / 3) {
          p.send(new ProducerRecord<>("warm", Long.toString(i), record(i)));
        }
      }
      p.flush();
    }
    // Warm-up (JIT, first-query set-up), so neither measured pipeline pays for it.
    run(spark, "warm", "bench.db.warm", true, work);
    double bareSpark = bare(spark, "e2e", "bench.db.bare", work);
    double plain = run(spark, "e2e", "bench.db.plain", false, work);
    double validated = run(spark, "e2e", "bench.db.validated", true, work);
    long written = spark.table("bench.db.validated").count();
    double clean = run(spark, "clean", "bench.db.clean", true, work);
    long cleanWritten = spark.table("bench.db.clean").count();

    // Alert latency: one offending record every 500 ms for 30 s against a 1 s trigger.
    StreamingQuery latency =
        StreamQuality.fromKafka(TestKafka.bootstrap())
            .name("lat")
            .topics("lat")
            .json(SCHEMA, "order_id")
            .validate(Check.error("lat").isNonNegative("amount"))
            .deadLetterTopic("lat-dlq")
            .alertTopic("lat-alerts")
            .toIceberg("bench.db.validated")
            .checkpoint(work.resolve("lat-checkpoint").toString())
            .trigger(Trigger.ProcessingTime(1000))
            .build()
            .start(spark)
            .query();
    Thread.sleep(3000);
    try (KafkaProducer<String, String> p = producer()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      long id = 10_000_000;
      while (System.nanoTime() < deadline) {
        p.send(
            new ProducerRecord<>(
                "lat",
                Long.toString(id),
                record(id).replaceFirst("\"amount\":[^,]+", "\"amount\":-1.0")));
        p.flush();
        id++;
        Thread.sleep(500);
      }
    }
    Thread.sleep(3000);
    latency.stop();
    List<Long> latencies = new ArrayList<>();
    Properties c = new Properties();
    c.put("bootstrap.servers", TestKafka.bootstrap());
    c.put("key.deserializer", ByteArrayDeserializer.class.getName());
    c.put("value.deserializer", ByteArrayDeserializer.class.getName());
    ObjectMapper json = new ObjectMapper();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      List<TopicPartition> parts =
          consumer.partitionsFor("lat-alerts").stream()
              .map(i -> new TopicPartition("lat-alerts", i.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      for (int i = 0; i < 10; i++) {
        consumer
            .poll(Duration.ofMillis(500))
            .forEach(
                r -> {
                  try {
                    // record time of the batch's earliest record -> the alert's own timestamp on
                    // the topic
                    String earliest =
                        json.readTree(new String(r.value(), StandardCharsets.UTF_8))
                            .get("earliestRecordTime")
                            .asText();
                    latencies.add(r.timestamp() - Instant.parse(earliest).toEpochMilli());
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
      }
    }
    Collections.sort(latencies);
    long p50 = latencies.isEmpty() ? -1 : latencies.get(latencies.size() / 2);
    long p95 =
        latencies.isEmpty()
            ? -1
            : latencies.get(
                (int) Math.min(latencies.size() - 1, Math.ceil(latencies.size() * 0.95) - 1));
    System.out.printf(
        Locale.ROOT,
        "%n%d records of 10 JSON columns through Kafka into Iceberg (local[2], availableNow):%n",
        records);
    report(
        "Spark alone (Kafka source, from_json, Iceberg sink)", records, bareSpark, "bench.db.bare");
    report("without validation", records, plain, "bench.db.plain");
    report(
        String.format(
            Locale.ROOT,
            "with a 10-constraint suite, %.1f%% bad rows",
            100.0 * (records - written) / records),
        records,
        validated,
        "bench.db.validated");
    System.out.printf(Locale.ROOT, "    ratio to without validation: %.2fx%n", validated / plain);
    report(
        String.format(
            Locale.ROOT, "the suite, %.1f%% bad rows", 100.0 * (records - cleanWritten) / records),
        records,
        clean,
        "bench.db.clean");
    System.out.printf(Locale.ROOT, "    ratio to without validation: %.2fx%n", clean / plain);
    System.out.printf(
        Locale.ROOT,
        "Alert latency (record time to the alert on the topic), 1 s trigger, %d alerts:"
            + " p50 %d ms, p95 %d ms%n",
        latencies.size(),
        p50,
        p95);
    spark.stop();
    System.exit(0);
  }
}
