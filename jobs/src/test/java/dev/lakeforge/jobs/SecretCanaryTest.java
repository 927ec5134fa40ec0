package dev.lakeforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeforge.streaming.TestKafka;
import dev.lakeforge.testing.ChildJvm;
import dev.lakeforge.testing.EmbeddedPostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.SparkConf;
import org.apache.spark.io.CompressionCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The suite-wide rule for secrets: a canary is planted in every place a secret can enter (a {@code
 * ${file:}} value, an environment variable, {@code --set}, a suite, a catalog's properties, the
 * Kafka JAAS config, a JDBC password, S3 credentials, a multi-line key, an SQL variable); the jobs
 * run in one JVM with Spark's event log on, normally, with {@code --dry-run}, failing, and
 * generating Kubernetes manifests; the stream reads a real broker over SASL. Then every byte the
 * runs wrote is searched — standard output and error, reports, metrics, HTML, outputs and their
 * table metadata, backups, the event log decompressed — for the canaries as written and
 * base64-encoded. There must be none.
 */
class SecretCanaryTest {
  private static final Duration BOUND = Duration.ofMinutes(8);

  /** Each canary, by where it enters. They share a prefix, so a leak of any of them is found. */
  private static final Map<String, String> CANARIES = new LinkedHashMap<>();

  static {
    CANARIES.put("file", "lfcanaryFILE\"q'x1-0912");
    CANARIES.put("env", "lfcanaryENV-7311");
    CANARIES.put("set", "lfcanarySET-5519");
    CANARIES.put("catalog", "lfcanaryCATALOG-2217");
    CANARIES.put("jdbc", "lfcanaryJDBC-4410");
    CANARIES.put(
        "kafka", TestKafka.SASL_PASSWORD); // the broker checks it: the stream really authenticates
    CANARIES.put("suite", "lfcanarySUITE-6607");
    CANARIES.put("sql", "lfcanarySQL-3390");
    CANARIES.put(
        "pem",
        "-----BEGIN PRIVATE KEY-----\nlfcanaryPEMline1AAAAbbbb\nlfcanaryPEMline2CCCCdddd\n"
            + "-----END PRIVATE KEY-----");
  }

  @TempDir Path home;
  @TempDir Path launch;

  @Test
  void noCanaryReachesAnythingAJobWrites() throws Exception {
    Path conf = Files.createDirectories(home.resolve("conf"));
    Path work = Files.createDirectories(home.resolve("work"));
    Files.createDirectories(conf.resolve("events"));
    Path secrets = Files.createDirectories(conf.resolve("secrets"));
    for (String name : List.of("file", "jdbc", "suite", "sql", "pem")) {
      Files.writeString(secrets.resolve(name + ".txt"), CANARIES.get(name) + "\n");
    }
    Files.writeString(
        conf.resolve("create.sql"),
        """
        CREATE NAMESPACE IF NOT EXISTS lake.canary;
        CREATE TABLE lake.canary.orders (id BIGINT, code STRING) USING iceberg;
        INSERT INTO lake.canary.orders VALUES (1, 'A'), (2, 'B'), (3, 'A');
        CREATE TABLE lake.canary.stream (id BIGINT, code STRING) USING iceberg;
        ALTER TABLE lake.canary.orders CREATE TAG first;
        INSERT INTO lake.canary.orders VALUES (4, 'B');
        SELECT count(*) AS other FROM lake.canary.orders WHERE code <> '${key}';
        """);
    Files.writeString(
        conf.resolve("fail.sql"), "SELECT * FROM pg.sales.orders WHERE code = '${key}';\n");
    Path suite =
        Files.writeString(
            conf.resolve("suite.yaml"),
            """
        checks:
          - description: codes
            constraints:
              - isComplete: id
              - isContainedIn: {column: code, values: [A, B, "${file:secrets/suite.txt}"]}
              - hasSize: {assertion: ">= 1", where: "code <> '${file:secrets/suite.txt}'"}
        """);
    Path badSuite =
        Files.writeString(
            conf.resolve("bad-suite.yaml"),
            """
        checks:
          - description: codes
            constraints:
              - isContainedIn: {column: kode, values: ["${file:secrets/suite.txt}"]}
        """);
    Path job =
        Files.writeString(
            conf.resolve("job.yaml"),
            """
        spark:
          conf:
            spark.eventLog.enabled: "true"
            spark.eventLog.compress: "true"
            spark.eventLog.dir: events
        run: {reportDir: runs}
        s3:
          endpoint: http://127.0.0.1:9
          accessKey: ${LF_CANARY_ENV}
          secretKey: ${file:secrets/file.txt}
        catalogs:
          lake:
            type: hadoop
            warehouse: warehouse/lake
            properties: {rest.auth.token: CATALOG}
          pg: {type: jdbc, uri: "jdbc:postgresql://127.0.0.1:9/lake", user: lf, password: "${file:secrets/jdbc.txt}",
              warehouse: warehouse/pg}
        sql:
          file: create.sql
          vars: {key: "${file:secrets/sql.txt}"}
        stream-quality:
          name: canary
          kafka:
            bootstrapServers: "@SASL@"
            topics: [canary-orders]
            startingOffsets: earliest
            options:
              kafka.security.protocol: SASL_PLAINTEXT
              kafka.sasl.mechanism: PLAIN
              kafka.sasl.jaas.config: >-
                org.apache.kafka.common.security.plain.PlainLoginModule required username="@USER@" password="${LF_CANARY_KAFKA}";
          schema: "id BIGINT, code STRING"
          deadLetterTopic: canary-dlq
          table: lake.canary.stream
          checkpoint: checkpoint
          trigger: availableNow
          postgres: {url: "@PG@", user: postgres, password: "${file:secrets/pem.txt}", table: canary_stream, key: [id]}
        """
                .replace("CATALOG", CANARIES.get("catalog"))
                .replace("@SASL@", TestKafka.saslBootstrap())
                .replace("@USER@", TestKafka.SASL_USER)
                .replace("@PG@", EmbeddedPostgresServer.jdbcUrl()));
    TestKafka.createTopics("canary-orders", "canary-dlq");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrap()),
            new StringSerializer(),
            new StringSerializer())) {
      for (String record :
          List.of("{\"id\": 1, \"code\": \"A\"}", "{\"id\": 2, \"code\": \"B\"}", "not json")) {
        producer.send(new ProducerRecord<>("canary-orders", record)).get();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    try (Connection db =
            DriverManager.getConnection(EmbeddedPostgresServer.jdbcUrl(), "postgres", "postgres");
        Statement st = db.createStatement()) {
      st.execute("DROP TABLE IF EXISTS canary_stream");
      st.execute("CREATE TABLE canary_stream (id BIGINT PRIMARY KEY, code TEXT)");
    }
    Path k8s =
        Files.writeString(
            conf.resolve("k8s.yaml"),
            """
        spark:
          kubernetes: {image: registry.example.com/lakeforge-jobs:0.1.0}
        s3: {accessKey: "${LF_CANARY_ENV}", secretKey: "${file:/run/secrets/lake-s3/secret-key}"}
        sql: {file: create.sql, vars: {key: "${file:/run/secrets/sql/key}"}}
        """);

    String c = job.toString();
    String set = "s3.sessionToken=" + CANARIES.get("set");
    List<List<String>> runs =
        List.of(
            List.of("sql", "--config", c, "--set", set),
            List.of(
                "quality-check",
                "--config",
                c,
                "--set",
                set,
                "--input",
                "lake.canary.orders",
                "--suite",
                suite.toString(),
                "--good-out",
                "out/good",
                "--bad-out",
                "out/bad",
                "--report",
                "out/report.html",
                "--result-out",
                "out/result.json",
                "--metrics-out",
                "out/metrics.json",
                "--metrics-repository",
                "out/repo"),
            List.of("profile", "--config", c, "--set", set, "--input", "lake.canary.orders"),
            List.of("time-travel", "--config", c, "--set", set, "--table", "lake.canary.orders"),
            List.of(
                "backup",
                "--config",
                c,
                "--set",
                set,
                "--table",
                "lake.canary.orders",
                "--to",
                "backups/orders"),
            List.of(
                "restore",
                "--config",
                c,
                "--set",
                set,
                "--from",
                "backups/orders",
                "--as",
                "lake.canary.restored"),
            List.of(
                "table-maintenance", "--config", c, "--set", set, "--table", "lake.canary.orders"),
            List.of(
                "rollback",
                "--config",
                c,
                "--set",
                set,
                "--table",
                "lake.canary.orders",
                "--to-tag",
                "first"),
            List.of(
                "rollback", "--config", c, "--set", set, "--table", "lake.canary.orders", "--undo"),
            List.of(
                "rightsize",
                "--config",
                c,
                "--set",
                set,
                "--input-size",
                "2t",
                "--node-cores",
                "8",
                "--node-memory",
                "64g",
                "--sla",
                "1h"),
            List.of("stream-quality", "--config", c, "--set", set),
            // failing: an unreachable JDBC catalog, a suite naming a column that is not there, a
            // restore onto a
            // table, a backup into a folder that is not a backup, a stream into a table that does
            // not exist
            List.of(
                "sql", "--config", c, "--set", set, "--file", conf.resolve("fail.sql").toString()),
            List.of(
                "quality-check",
                "--config",
                c,
                "--set",
                set,
                "--input",
                "lake.canary.orders",
                "--suite",
                badSuite.toString()),
            List.of(
                "restore",
                "--config",
                c,
                "--set",
                set,
                "--from",
                "backups/orders",
                "--as",
                "lake.canary.restored"),
            List.of(
                "backup",
                "--config",
                c,
                "--set",
                set,
                "--table",
                "lake.canary.orders",
                "--to",
                "out/good"),
            List.of(
                "stream-quality",
                "--config",
                c,
                "--set",
                set,
                "--set",
                "stream-quality.table=lake.canary.nope"),
            // dry runs
            List.of("sql", "--config", c, "--set", set, "--dry-run"),
            List.of(
                "quality-check",
                "--config",
                c,
                "--set",
                set,
                "--input",
                "lake.canary.orders",
                "--suite",
                suite.toString(),
                "--dry-run"),
            List.of("stream-quality", "--config", c, "--set", set, "--dry-run"),
            List.of(
                "backup",
                "--config",
                c,
                "--set",
                set,
                "--table",
                "lake.canary.orders",
                "--to",
                "backups/again",
                "--dry-run"),
            List.of(
                "rollback",
                "--config",
                c,
                "--set",
                set,
                "--table",
                "lake.canary.orders",
                "--undo",
                "--dry-run"),
            List.of(
                "profile",
                "--config",
                c,
                "--set",
                set,
                "--input",
                "lake.canary.orders",
                "--dry-run"),
            List.of(
                "time-travel",
                "--config",
                c,
                "--set",
                set,
                "--table",
                "lake.canary.orders",
                "--dry-run"),
            List.of(
                "table-maintenance",
                "--config",
                c,
                "--set",
                set,
                "--table",
                "lake.canary.orders",
                "--dry-run"),
            List.of(
                "restore",
                "--config",
                c,
                "--set",
                set,
                "--from",
                "backups/orders",
                "--as",
                "lake.canary.again",
                "--dry-run"),
            List.of(
                "rightsize",
                "--config",
                c,
                "--set",
                set,
                "--input-size",
                "2t",
                "--node-cores",
                "8",
                "--node-memory",
                "64g",
                "--sla",
                "1h",
                "--dry-run"),
            // manifests: one generated, one refused for a --set secret, one for a secret written in
            // the config
            List.of("sql", "--config", k8s.toString(), "--emit-k8s", "spark-operator"),
            List.of(
                "sql", "--config", k8s.toString(), "--set", set, "--emit-k8s", "spark-operator"),
            List.of("sql", "--config", c, "--emit-k8s", "spark-submit"));
    Path runsFile =
        Files.write(
            launch.resolve("runs.tsv"),
            runs.stream().map(r -> String.join("\t", r)).toList(),
            StandardCharsets.UTF_8);
    Path codes = launch.resolve("codes.txt");

    ChildJvm.Result r =
        ChildJvm.of(
                CanaryRuns.class.getName(),
                System.getProperty("java.class.path"),
                runsFile.toString(),
                codes.toString())
            .in(work)
            .env("LF_CANARY_ENV", CANARIES.get("env"))
            .env("LF_CANARY_KAFKA", CANARIES.get("kafka"))
            .heap("1500m")
            .run(BOUND);
    assertThat(r.exitCode()).as(r.output()).isZero();
    List<Integer> exits =
        Files.readAllLines(codes).stream()
            .map(l -> Integer.parseInt(l.substring(l.lastIndexOf(' ') + 1)))
            .toList();
    assertThat(exits)
        .as(Files.readString(codes) + "\n" + r.output())
        .containsExactly(
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 2, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 2, 2);
    assertThat(r.stdout()).contains("apiVersion: sparkoperator.k8s.io");
    assertThat(work.resolve("artifacts"))
        .as("Spark's empty artifacts folder is removed at exit")
        .doesNotExist();
    try (Connection db =
            DriverManager.getConnection(EmbeddedPostgresServer.jdbcUrl(), "postgres", "postgres");
        Statement st = db.createStatement();
        ResultSet rows = st.executeQuery("SELECT count(*) FROM canary_stream")) {
      rows.next();
      assertThat(rows.getLong(1))
          .as("the stream ran: its good records reached PostgreSQL")
          .isEqualTo(2);
    }

    // Everything written: the runs' output, and every file under the project but the config's own.
    Map<String, String> written = new LinkedHashMap<>();
    written.put("stdout", r.stdout());
    written.put("stderr", r.stderr());
    List<Path> files;
    try (Stream<Path> all = Files.walk(home)) {
      files =
          all.filter(Files::isRegularFile)
              .filter(p -> !p.startsWith(secrets) && !p.equals(job))
              .toList();
    }
    assertThat(files)
        .as("the runs wrote reports, outputs, backups and an event log")
        .anyMatch(p -> p.startsWith(conf.resolve("runs")))
        .anyMatch(p -> p.startsWith(work.resolve("out/good")))
        .anyMatch(p -> p.toString().endsWith("report.html"))
        .anyMatch(p -> p.startsWith(work.resolve("backups/orders")))
        .anyMatch(p -> p.startsWith(conf.resolve("events")));
    for (Path f : files) {
      written.put(home.relativize(f).toString(), readDecompressed(f));
    }

    List<String> hits = new ArrayList<>();
    written.forEach(
        (where, text) -> {
          for (Map.Entry<String, String> canary : CANARIES.entrySet()) {
            for (String form : forms(canary.getValue())) {
              int at = text.indexOf(form);
              if (at >= 0) {
                hits.add(
                    canary.getKey()
                        + " canary in "
                        + where
                        + ": ..."
                        + text.substring(
                                Math.max(0, at - 80),
                                Math.min(text.length(), at + form.length() + 40))
                            .replace('\n', ' ')
                        + "...");
              }
            }
          }
          int prefix = text.toLowerCase().indexOf("lfcanary");
          if (prefix >= 0) {
            hits.add(
                "a canary's prefix in "
                    + where
                    + ": ..."
                    + text.substring(
                            Math.max(0, prefix - 120), Math.min(text.length(), prefix + 60))
                        .replace('\n', ' ')
                    + "...");
          }
        });
    assertThat(hits).isEmpty();
  }

  /** The canary's lines, and its base64 at each alignment inside a longer base64 text. */
  private static List<String> forms(String canary) {
    List<String> forms = new ArrayList<>(List.of(canary.split("\n")));
    forms.removeIf(line -> line.startsWith("-----"));
    byte[] bytes = canary.getBytes(StandardCharsets.UTF_8);
    for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
      for (int align = 0; align < 3; align++) {
        byte[] padded = new byte[align + bytes.length];
        System.arraycopy(bytes, 0, padded, align, bytes.length);
        String encoded = encoder.withoutPadding().encodeToString(padded);
        forms.add(encoded.substring(align == 0 ? 0 : 4, (padded.length / 3) * 4));
      }
    }
    return forms;
  }

  /** A file's bytes as text; an event log compressed by Spark is decompressed first. */
  private static String readDecompressed(Path file) throws IOException {
    String name = file.getFileName().toString().replace(".inprogress", "");
    for (String codec : List.of("zstd", "lz4", "lzf", "snappy")) {
      if (name.endsWith("." + codec)) {
        try (InputStream in =
            CompressionCodec.createCodec(new SparkConf(), codec)
                .compressedInputStream(Files.newInputStream(file))) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          in.transferTo(out);
          String text = out.toString(StandardCharsets.UTF_8);
          assertThat(text).as(file + " decompressed").contains("SparkListenerEnvironmentUpdate");
          return text;
        }
      }
    }
    return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
  }
}
