package dev.lakeforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.Location;
import dev.lakeforge.core.job.Launcher;
import dev.lakeforge.core.report.RunReport;
import dev.lakeforge.iceberg.CatalogSettings;
import dev.lakeforge.iceberg.Catalogs;
import dev.lakeforge.testing.ChildJvm;
import dev.lakeforge.testing.EmbeddedPostgresServer;
import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.S3Server;
import dev.lakeforge.testing.ServiceProcesses;
import dev.lakeforge.testing.SparkDistribution;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.StandaloneCluster;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs jar on a real Spark standalone cluster (a master and two workers, each executor its own
 * JVM), submitted with spark-submit as users do: the config and its files in one folder, the jobs
 * started from another with relative paths, results compared with a local run. Few and short: one
 * table, one pass of each job.
 */
@SparkTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final Duration BOUND = Duration.ofMinutes(5);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ROWS = 1000;

  /**
   * Rows 0..999 with id % 10 = 0 are LOST (100), with id % 25 = 0 negative (40), both for id % 50 =
   * 0 (20).
   */
  private static final int BAD = 120;

  @TempDir static Path home;
  private static Path conf;
  private static Path shell;
  private static Path job;

  @BeforeAll
  static void layout() throws IOException {
    conf = Files.createDirectories(home.resolve("project/conf"));
    shell = Files.createDirectories(home.resolve("shell"));
    Files.writeString(
        conf.resolve("create.sql"),
        String.format(
            Locale.ROOT,
            """
        CREATE NAMESPACE IF NOT EXISTS lake.shop;
        CREATE TABLE lake.shop.orders (id BIGINT, status STRING, amount DOUBLE) USING iceberg;
        INSERT INTO lake.shop.orders
          SELECT id, IF(id %% 10 = 0, 'LOST', 'PAID'), IF(id %% 25 = 0, -1.0, id * 1.5) FROM range(%d);
        """,
            ROWS));
    Files.writeString(
        conf.resolve("more.sql"),
        String.format(
            Locale.ROOT,
            "INSERT INTO lake.shop.orders SELECT id, 'NEW', 1.0 FROM range(%d, %d);\n",
            ROWS,
            ROWS + 100));
    // for the chaos tests: the first statements commit 1000 rows; the last one is still writing
    // when a service stops
    Files.writeString(
        conf.resolve("slow-insert.sql"),
        "INSERT INTO lake.shop.orders SELECT id, 'NEW', length(reflect('java.lang.Thread', 'sleep',"
            + " CAST(100 AS BIGINT))) * 0 + 1.0 FROM range(1000, 1200, 1, 8);\n");
    Files.writeString(
        conf.resolve("create-then-slow.sql"),
        Files.readString(conf.resolve("create.sql"))
            + Files.readString(conf.resolve("slow-insert.sql")));
    job =
        Files.writeString(
            conf.resolve("job.yaml"),
            """
        catalogs:
          lake: {type: hadoop, warehouse: warehouse/lake}
        run: {reportDir: runs}
        sql: {file: create.sql}
        """);
    Files.writeString(
        shell.resolve("orders-suite.yaml"),
        """
        checks:
          - description: orders
            level: error
            constraints:
              - isNonNegative: amount
              - isContainedIn: {column: status, values: [NEW, PAID]}
              - isUnique: id
        """);
  }

  private static ChildJvm.Result submit(String... jobArgs) {
    return submitWith(new String[] {"iceberg"}, List.of(), jobArgs);
  }

  /**
   * A workflow job: with the connectors of its sources and sinks, and a few shuffle partitions (as
   * its users set them for the size of their data; Spark's 200 make every MERGE slow here).
   * retrain-model runs under spark-submit in {@link SparkSubmitIT}: training is its executors' work
   * like any other stage, and the cluster's share of CI time is kept for what differs there.
   */
  private static ChildJvm.Result submitWorkflow(String... jobArgs) {
    return submitWith(
        new String[] {"iceberg", "postgres", "kafka"},
        List.of("--conf", "spark.sql.shuffle.partitions=4"),
        jobArgs);
  }

  private static ChildJvm.Result submitWith(
      String[] connectors, List<String> conf, String... jobArgs) {
    ChildJvm.Result r =
        SparkDistribution.submit(submitArgs(connectors, conf, jobArgs)).in(shell).run(BOUND);
    assertThat(r.exitCode()).as(String.join(" ", jobArgs) + "\n" + r.output()).isIn(0, 3);
    return r;
  }

  private static String[] submitArgs(String[] connectors, List<String> conf, String... jobArgs) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--master",
                StandaloneCluster.shared().masterUrl(),
                "--deploy-mode",
                "client",
                "--conf",
                "spark.executor.memory=512m",
                "--conf",
                "spark.cores.max=2",
                "--conf",
                // executors of a test job run briefly, as the driver (a ChildJvm) does
                "spark.executor.extraJavaOptions=" + String.join(" ", ChildJvm.QUICK_START),
                "--class",
                SparkDistribution.LAUNCHER,
                "--jars",
                SparkDistribution.jarsOption(connectors),
                SparkDistribution.jobsJar().toString()));
    args.addAll(args.size() - 1, conf);
    args.addAll(List.of(jobArgs));
    return args.toArray(String[]::new);
  }

  private static Table table(String name) {
    return new HadoopTables(SparkSession.active().sparkContext().hadoopConfiguration())
        .load("file:" + conf.resolve("warehouse/lake/shop/" + name));
  }

  @Test
  @Order(1)
  void sqlWritesATableWhoseLocationIsAbsoluteAndExecutorsFindIt() throws IOException {
    submit("sql", "--config", job.toString());
    submit("sql", "--config", job.toString(), "--file", conf.resolve("more.sql").toString());
    Table t = table("orders");
    assertThat(t.location()).isEqualTo("file:" + conf.resolve("warehouse/lake/shop/orders"));
    assertThat(t.snapshots()).hasSize(2);
    assertThat(Long.parseLong(t.currentSnapshot().summary().get("total-records")))
        .isEqualTo(ROWS + 100);
    assertThat(shell.resolve("warehouse")).doesNotExist();
    try (Stream<Path> workers = StandaloneCluster.shared().workDirs().stream()) {
      assertThat(workers.flatMap(ClusterIT::files).filter(p -> p.toString().endsWith(".parquet")))
          .as("no data file under an executor's working directory")
          .isEmpty();
    }
  }

  @Test
  @Order(2)
  void qualityCheckSplitsLikeALocalRunInAFewFiles(SparkSession spark) throws IOException {
    ChildJvm.Result r =
        submit(
            "quality-check",
            "--config",
            job.toString(),
            "--suite",
            "orders-suite.yaml",
            "--input",
            "lake.shop.orders",
            "--good-out",
            "out/good",
            "--bad-out",
            "out/bad");
    assertThat(r.exitCode())
        .as("an Error check fails: some orders are LOST or negative")
        .isEqualTo(3);

    Path local = Files.createDirectories(home.resolve("local"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        new Launcher(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .execute(
                "quality-check",
                "--config",
                job.toString(),
                "--suite",
                shell.resolve("orders-suite.yaml").toString(),
                "--input",
                "lake.shop.orders",
                "--good-out",
                local.resolve("good").toString(),
                "--bad-out",
                local.resolve("bad").toString(),
                "--set",
                "run.reportDir=" + local.resolve("runs"));
    assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isEqualTo(3);

    assertThat(ids(spark, shell.resolve("out/good")))
        .isEqualTo(ids(spark, local.resolve("good")))
        .hasSize(ROWS + 100 - BAD);
    assertThat(ids(spark, shell.resolve("out/bad")))
        .isEqualTo(ids(spark, local.resolve("bad")))
        .hasSize(BAD);
    try (Stream<Path> parts =
        files(shell.resolve("out/good")).filter(p -> p.toString().endsWith(".parquet"))) {
      assertThat(parts.count())
          .as("files for 980 rows, not one per shuffle partition")
          .isLessThanOrEqualTo(4);
    }
  }

  @Test
  @Order(3)
  void rollbackThenBackupAndRestoreFromRelativeLocations(SparkSession spark) throws IOException {
    long first = table("orders").snapshots().iterator().next().snapshotId();
    submit(
        "rollback",
        "--config",
        job.toString(),
        "--table",
        "lake.shop.orders",
        "--to-snapshot",
        Long.toString(first),
        "--reason",
        "cluster test");
    assertThat(table("orders").currentSnapshot().snapshotId()).isEqualTo(first);

    submit(
        "backup",
        "--config",
        job.toString(),
        "--table",
        "lake.shop.orders",
        "--to",
        "backups/orders");
    JsonNode manifest =
        JSON.readTree(shell.resolve("backups/orders/_lakeforge_backup.json").toFile());
    assertThat(manifest.get("records").asLong()).isEqualTo(ROWS);
    submit(
        "restore",
        "--config",
        job.toString(),
        "--from",
        "backups/orders",
        "--as",
        "lake.shop.orders_restored");

    Table restored = table("orders_restored");
    assertThat(restored.currentSnapshot().summary().get("total-records"))
        .isEqualTo(Integer.toString(ROWS));
    assertThat(ids(spark, "cluster.shop.orders_restored"))
        .hasSize(ROWS)
        .isEqualTo(ids(spark, "cluster.shop.orders"));
    try (Stream<Path> reports = Files.list(conf.resolve("runs"))) {
      List<RunReport> runs =
          reports
              .filter(p -> p.toString().endsWith(".json") && !p.toString().endsWith("-result.json"))
              .map(ClusterIT::report)
              .toList();
      assertThat(runs)
          .isNotEmpty()
          .allSatisfy(
              rr -> {
                assertThat(rr.master()).isEqualTo(StandaloneCluster.shared().masterUrl());
                assertThat(rr.deployMode()).isEqualTo("client");
              });
    }
  }

  @Test
  @Order(4)
  void inClusterModeTheDriverRunsOnAWorkerAndLogsJson() throws IOException {
    Path jsonJob =
        Files.writeString(
            conf.resolve("json.yaml"),
            """
        catalogs:
          lake: {type: hadoop, warehouse: warehouse/lake}
        logging:
          format: json
          levels: {org.apache.spark.SparkContext: INFO}
        run: {reportDir: runs-cluster-mode}
        sql: {file: count.sql}
        """);
    Files.writeString(conf.resolve("count.sql"), "SELECT count(*) AS n FROM lake.shop.orders;\n");
    ChildJvm.Result r =
        SparkDistribution.submit(
                "--master",
                StandaloneCluster.shared().masterUrl(),
                "--deploy-mode",
                "cluster",
                "--conf",
                "spark.executor.memory=512m",
                "--conf",
                "spark.cores.max=1",
                "--conf",
                "spark.driver.memory=512m",
                "--conf",
                "spark.driver.extraJavaOptions=" + String.join(" ", ChildJvm.QUICK_START),
                "--conf",
                "spark.executor.extraJavaOptions=" + String.join(" ", ChildJvm.QUICK_START),
                "--conf",
                "spark.standalone.submit.waitAppCompletion=true",
                "--class",
                SparkDistribution.LAUNCHER,
                "--jars",
                SparkDistribution.jarsOption("iceberg"),
                SparkDistribution.jobsJar().toString(),
                "sql",
                "--config",
                jsonJob.toString())
            .in(shell)
            .run(BOUND);
    assertThat(r.exitCode()).as(r.output()).isZero();

    Path driver =
        StandaloneCluster.shared().workDirs().stream()
            .flatMap(ClusterIT::files)
            .filter(
                p ->
                    p.getParent().getFileName().toString().startsWith("driver-")
                        && p.getFileName().toString().equals("stderr"))
            .max(Comparator.comparing(p -> p.getParent().getFileName().toString()))
            .orElseThrow();
    List<String> lines = Files.readAllLines(driver);
    int start = 0;
    while (start < lines.size()
        && !lines.get(start).contains("\"logger\":\"dev.lakeforge.core.job.Launcher\"")) {
      start++;
    }
    assertThat(start).as(String.join("\n", lines)).isLessThan(lines.size());
    for (String line : lines.subList(start, lines.size())) {
      JsonNode e = JSON.readTree(line);
      assertThat(e.path("job").asText()).as(line).isEqualTo("sql");
    }
    try (Stream<Path> reports = Files.list(conf.resolve("runs-cluster-mode"))) {
      RunReport report = report(reports.findFirst().orElseThrow());
      assertThat(report.deployMode()).isEqualTo("cluster");
      assertThat(report.status()).isEqualTo("SUCCEEDED");
    }
  }

  @Test
  @Order(5)
  void etlMigrateReadsTheDatabaseAndUploadsOnExecutorsIntoEveryLayer(SparkSession spark)
      throws Exception {
    EmbeddedPostgresServer.execute(
        "CREATE SCHEMA cluster_src",
        "CREATE TABLE cluster_src.customers (customer_id BIGINT PRIMARY KEY, name TEXT,"
            + " updated_at TIMESTAMP)",
        "INSERT INTO cluster_src.customers SELECT i, 'customer ' || i,"
            + " TIMESTAMP '2026-11-01 00:00:00' + i * INTERVAL '1 second'"
            + " FROM generate_series(1, 2000) i");
    Path uploads = Files.createDirectories(conf.resolve("uploads"));
    Files.writeString(
        uploads.resolve("orders-1.csv"),
        "order_id,customer_id,amount,updated_at\n"
            + "1,10,20.50,2026-11-20 10:00:00\n"
            + "2,11,5.00,2026-11-20 11:00:00\n"
            + "3,12,not-a-number,2026-11-20 12:00:00\n");
    Files.writeString(conf.resolve("pg-password"), "postgres\n");
    Path etl =
        Files.writeString(
            conf.resolve("etl.yaml"),
            """
            catalogs:
              lake: {type: hadoop, warehouse: warehouse/lake}
            run: {reportDir: runs-etl}
            etl-migrate:
              namespace: lake.etl
              sources:
                customers:
                  jdbc: {url: "%1$s", user: postgres, password: "${file:pg-password}",
                         table: cluster_src.customers}
                  key: [customer_id]
                  watermark: updated_at
                  partitions: 2
                orders:
                  csv: {path: uploads}
                  schema: "order_id BIGINT, customer_id BIGINT, amount DECIMAL(10,2), updated_at TIMESTAMP"
                  key: [order_id]
                  watermark: updated_at
              warehouse: {url: "%1$s", user: postgres, password: "${file:pg-password}", schema: cluster_dw}
            """
                .formatted(EmbeddedPostgresServer.jdbcUrl()));
    ChildJvm.Result first = submitWorkflow("etl-migrate", "--config", etl.toString());
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(first.output())
        .contains(
            "customers: 2000 row(s) in the source's window, 2000 landed raw, 0 quarantined, 2000 merged into cleaned")
        .contains(
            "orders: 3 row(s) in the source's window, 2 landed raw, 1 quarantined, 2 merged into cleaned");
    assertThat(EmbeddedPostgresServer.count("SELECT count(*) FROM cluster_dw.customers"))
        .isEqualTo(2000);

    assertThat(ids(spark, "cluster.etl.clean_orders", "order_id")).containsExactly(1L, 2L);
    assertThat(ids(spark, "cluster.etl.clean_customers", "customer_id")).hasSize(2000);
    assertThat(shell.resolve("warehouse")).doesNotExist();
  }

  @Test
  @Order(6)
  void customerAnalyticsOnTheClusterEqualsALocalRun(SparkSession spark) throws Exception {
    String events = Files.readString(Path.of("..", "examples", "customer-events.jsonl"));
    Path local = Files.createDirectories(home.resolve("local-analytics"));
    for (Path folder : List.of(conf, local)) {
      Files.createDirectories(folder.resolve("events"));
      Files.writeString(folder.resolve("events/part-1.jsonl"), events);
      Files.writeString(folder.resolve("pg-password"), "postgres\n");
    }
    String config =
        """
        catalogs:
          %3$s: {type: hadoop, warehouse: warehouse/lake}
        run: {reportDir: runs-analytics}
        customer-analytics:
          source: {files: {path: events, format: json}}
          namespace: %3$s.%2$s
          postgres: {url: "%1$s", user: postgres, password: "${file:pg-password}", schema: %2$s}
          checkpoint: checkpoints/analytics
        """;
    String url = EmbeddedPostgresServer.jdbcUrl();
    Path onCluster =
        Files.writeString(
            conf.resolve("analytics.yaml"), config.formatted(url, "cluster_ca", "lake"));
    Path onLocal =
        Files.writeString(
            local.resolve("analytics.yaml"), config.formatted(url, "local_ca", "analytics_local"));

    ChildJvm.Result r = submitWorkflow("customer-analytics", "--config", onCluster.toString());
    assertThat(r.exitCode()).as(r.output()).isZero();
    Launched localRun = Launched.run("customer-analytics", "--config", onLocal.toString());
    assertThat(localRun.code()).as(localRun.all()).isZero();

    String summary =
        localRun.out().lines().filter(l -> l.contains("event(s) in")).findFirst().orElseThrow();
    assertThat(r.output()).contains(summary);
    for (String table : List.of("customer_hourly", "customer_metrics")) {
      assertThat(
              EmbeddedPostgresServer.rows("SELECT * FROM cluster_ca." + table + " ORDER BY 1, 2"))
          .as(table + " in PostgreSQL")
          .isNotEmpty()
          .isEqualTo(
              EmbeddedPostgresServer.rows("SELECT * FROM local_ca." + table + " ORDER BY 1, 2"));
    }
    assertThat(conf.resolve("checkpoints/analytics")).isDirectory();
  }

  /**
   * Chaos: an executor JVM is killed (SIGKILL) while it runs tasks, then the node of the other
   * executor goes (its worker and everything on it, killed). Spark runs their tasks again on the
   * executor the master starts in place of the first; the job succeeds with every row written once,
   * and diagnose tells from the run's event log that executors were lost.
   */
  @Test
  @Order(7)
  void anExecutorThenANodeKilledMidJobAreRecoveredFromAndDiagnosed(SparkSession spark)
      throws Exception {
    Path events = Files.createDirectories(home.resolve("chaos-events"));
    int rows = 240; // 8 tasks of 3 s: the kills land in the first ones
    Files.writeString(
        conf.resolve("chaos.sql"),
        "CREATE NAMESPACE IF NOT EXISTS lake.shop;\n"
            + "CREATE TABLE lake.shop.chaos USING iceberg AS SELECT id, reflect('java.lang.Thread',"
            + " 'sleep', CAST(100 AS BIGINT)) AS slept FROM range(0, "
            + rows
            + ", 1, 8);\n");
    int ui = ServiceProcesses.freePort();
    String[] args =
        submitArgs(
            new String[] {"iceberg"},
            List.of(
                "--conf",
                "spark.ui.port=" + ui,
                "--conf",
                "spark.eventLog.enabled=true",
                "--conf",
                "spark.eventLog.dir=" + events.toUri()),
            "sql",
            "--config",
            job.toString(),
            "--file",
            conf.resolve("chaos.sql").toString());
    Path log = home.resolve("chaos.log");
    Process submitted = SparkDistribution.submit(args).in(shell).start(log);
    StandaloneCluster cluster = StandaloneCluster.shared();
    Throwable failed = null;
    try {
      ProcessHandle executor = busyExecutor(ui, submitted, log, h -> true);
      long killedOn = executor.parent().orElseThrow().pid();
      executor.destroyForcibly();
      ProcessHandle onOtherNode =
          busyExecutor(
              ui,
              submitted,
              log,
              h -> h.parent().map(ProcessHandle::pid).orElse(killedOn) != killedOn);
      cluster.killWorkerOf(onOtherNode);
      assertThat(cluster.state().path("workers").findValuesAsText("state"))
          .as("the master saw the node go")
          .containsExactlyInAnyOrder("ALIVE", "DEAD");
      cluster.restartLostWorkers(); // a new node joins while the job runs, as an autoscaler's
      assertThat(submitted.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS))
          .as("the job ends after the kills")
          .isTrue();
      assertThat(submitted.exitValue()).as(Files.readString(log)).isZero();
    } catch (Throwable t) {
      failed = t;
      throw t;
    } finally {
      submitted.descendants().forEach(ProcessHandle::destroyForcibly);
      submitted.destroyForcibly();
      try {
        cluster.restartLostWorkers(); // the tests after this one need both
      } catch (RuntimeException e) {
        if (failed == null) {
          throw e;
        }
        failed.addSuppressed(e);
      }
    }
    Table chaos = table("chaos");
    assertThat(chaos.currentSnapshot().summary().get("total-records"))
        .isEqualTo(Integer.toString(rows));
    assertThat(ids(spark, "cluster.shop.chaos"))
        .as("every row once")
        .isEqualTo(LongStream.range(0, rows).boxed().collect(Collectors.toSet()));

    Path eventLog;
    try (Stream<Path> files = Files.list(events)) {
      eventLog = files.findFirst().orElseThrow();
    }
    Launched d = Launched.run("diagnose", eventLog.toString());
    assertThat(d.code()).as(d.all()).isZero();
    assertThat(d.out())
        .contains("cause: executor lost")
        // the executor's removal and its tasks' failures are logged in either order
        .containsPattern(
            "evidence: (Lost executor \\d+|ExecutorLostFailure: executor \\d+ was lost while"
                + " running task \\d+ of stage \\d+): (Command exited with code 137|Remote RPC"
                + " client disassociated)")
        .contains("runbook: docs/runbooks.md#executor-lost");
  }

  /**
   * Chaos: the catalog's database (PostgreSQL behind a JDBC catalog) stops while the job's tasks
   * write. The commit cannot reach it, so the job exits 1 with a run report that says a service was
   * unavailable, and diagnose says which; the table keeps its last commit, row for row. Once the
   * database is back, the same command (the runbook's remedy) lands every row once.
   */
  @Test
  @Order(8)
  void theCatalogDatabaseStoppedMidJobFailsItCleanlyAndARunAfterLandsEachRowOnce()
      throws Exception {
    int port = ServiceProcesses.freePort();
    Path data = home.resolve("catalog-db");
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    Path config =
        Files.writeString(
            conf.resolve("jdbc-lake.yaml"),
            """
            catalogs:
              lake: {type: jdbc, uri: "%s", user: postgres, password: catalog-pw, warehouse: warehouse/jdbc-lake}
            run: {reportDir: runs-catalog-down}
            sql: {file: create.sql}
            """
                .formatted(url));
    String[] connectors = {"iceberg", "postgres"};
    Path log = home.resolve("catalog-down.log");
    EmbeddedPostgres db = catalogDatabase(data, port);
    // the catalog's database is gone until the job has ended (closed again if the test failed)
    failWhileDown(connectors, config, log, db::close, db::close);
    assertFailedCleanly(
        conf.resolve("runs-catalog-down"),
        log,
        "terminating connection due to administrator command");

    db = catalogDatabase(data, port);
    try {
      assertARunAgainLandsEachRowOnce(jdbcTable(url), connectors, config);
    } finally {
      db.close();
    }
  }

  /** Stops or starts a service; may throw. */
  private interface ServiceAction {
    void run() throws Exception;
  }

  /**
   * Submits create-then-slow.sql with {@code config}; once a task of its slow insert (statement 4)
   * runs, takes a service away with {@code outage}, and sees the job end with exit code 1. {@code
   * restore} runs whatever happens.
   */
  private static void failWhileDown(
      String[] connectors, Path config, Path log, ServiceAction outage, ServiceAction restore)
      throws Exception {
    int ui = ServiceProcesses.freePort();
    String[] args =
        submitArgs(
            connectors,
            List.of("--conf", "spark.ui.port=" + ui),
            "sql",
            "--config",
            config.toString(),
            "--file",
            conf.resolve("create-then-slow.sql").toString());
    Process submitted = SparkDistribution.submit(args).in(shell).start(log);
    try {
      awaitActiveTask(ui, submitted, log, "statement 4 (");
      outage.run();
      assertThat(submitted.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS))
          .as("the job ends without the service")
          .isTrue();
      assertThat(submitted.exitValue()).as(Files.readString(log)).isEqualTo(1);
    } finally {
      submitted.descendants().forEach(ProcessHandle::destroyForcibly);
      submitted.destroyForcibly();
      restore.run();
    }
  }

  /**
   * A run that lost a service mid-write: its report says a service was unavailable, and diagnose
   * says so, with {@code evidence}.
   */
  private static void assertFailedCleanly(Path reports, Path log, String... evidence)
      throws IOException {
    Path failed;
    try (Stream<Path> files = Files.list(reports)) {
      failed = files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
    }
    RunReport report = report(failed);
    assertThat(report.status()).isEqualTo("FAILED");
    assertThat(report.details())
        .as(Files.readString(log))
        .containsEntry("errorKind", "UNAVAILABLE");
    Launched d = Launched.run("diagnose", log.toString(), failed.toString());
    assertThat(d.out()).as(d.all()).contains("cause: unreachable service").contains(evidence);
  }

  /**
   * The table of the failed run kept its last commit; the same command, run again (the runbook's
   * remedy), lands the slow insert's rows, each once.
   */
  private static void assertARunAgainLandsEachRowOnce(
      Table orders, String[] connectors, Path config) throws IOException {
    assertThat(orders.snapshots()).as("the failed write left no snapshot").hasSize(1);
    assertThat(orders.currentSnapshot().summary().get("total-records"))
        .isEqualTo(Integer.toString(ROWS));
    submitWith(
        connectors,
        List.of(),
        "sql",
        "--config",
        config.toString(),
        "--file",
        conf.resolve("slow-insert.sql").toString());
    orders.refresh();
    assertThat(orders.currentSnapshot().summary().get("total-records")).isEqualTo("1200");
    assertThat(ids(orders))
        .as("every row once")
        .isEqualTo(LongStream.range(0, 1200).boxed().toList());
  }

  /**
   * Chaos: the object store (S3, where the table's warehouse is) stops answering while the job's
   * tasks write to it. With the stores' retries bounded in the config, as the runbook shows, the
   * job exits 1 with a run report that says a service was unavailable, and diagnose says so; the
   * table keeps its last commit, row for row. Once the store is back, the same command lands every
   * row once.
   */
  @Test
  @Order(9)
  void theObjectStoreStoppedMidJobFailsItCleanlyAndARunAfterLandsEachRowOnce() throws Exception {
    S3Server s3 = S3Server.shared();
    s3.createBucket("chaos");
    Path config =
        Files.writeString(
            conf.resolve("s3-lake.yaml"),
            s3.configSection(conf)
                + """
            catalogs:
              lake:
                type: hadoop
                warehouse: s3a://chaos/warehouse
                properties: {s3.retry.num-retries: "1", s3.retry.min-wait-ms: "100", s3.retry.max-wait-ms: "100"}
            spark:
              conf:
                spark.hadoop.fs.s3a.retry.limit: "1"
                spark.hadoop.fs.s3a.retry.interval: 100ms
                spark.hadoop.fs.s3a.attempts.maximum: "1"
            run: {reportDir: runs-store-down}
            sql: {file: create.sql}
            """);
    String[] connectors = {"iceberg", "s3"};
    Path log = home.resolve("store-down.log");
    // the store refuses every connection until the job has ended
    failWhileDown(connectors, config, log, s3::stop, s3::restart);
    assertFailedCleanly(
        conf.resolve("runs-store-down"),
        log,
        "service unavailable: Connect to " + s3.endpoint().substring("http://".length()),
        "Connection refused");

    Configuration hadoop = new Configuration();
    s3.hadoopConf().forEach(hadoop::set);
    assertARunAgainLandsEachRowOnce(
        new HadoopTables(hadoop).load("s3a://chaos/warehouse/shop/orders"), connectors, config);
  }

  /**
   * Chaos: a data file of a table overwritten in place. Every attempt of the task that reads it
   * fails on an executor; the job exits 2 with one line naming the file, diagnose tells it, and the
   * rollback its runbook section gives takes the table back to the snapshot before the load that
   * added the file, whose rows read in full.
   */
  @Test
  @Order(10)
  void aCorruptDataFileFailsTheJobNamingItAndARollbackPastItsLoadReadsAgain(SparkSession spark)
      throws IOException {
    clusterCatalog(spark);
    spark.sql("CREATE NAMESPACE IF NOT EXISTS cluster.shop");
    spark.sql("CREATE TABLE cluster.shop.fragile (id BIGINT, amount DOUBLE) USING iceberg");
    spark.sql("INSERT INTO cluster.shop.fragile SELECT id, id * 1.5 FROM range(0, 100)");
    long good = table("fragile").currentSnapshot().snapshotId();
    spark.sql("INSERT INTO cluster.shop.fragile SELECT id, id * 1.5 FROM range(100, 150)");
    String added =
        spark
            .sql(
                "SELECT data_file.file_path FROM cluster.shop.fragile.entries WHERE status = 1"
                    + " AND snapshot_id <> "
                    + good)
            .first()
            .getString(0);
    Path file = added.startsWith("file:") ? Path.of(URI.create(added)) : Path.of(added);
    Files.write(file, new byte[(int) Files.size(file)]);
    Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
    Path sum =
        Files.writeString(
            conf.resolve("fragile.sql"),
            "SELECT count(*) AS orders, sum(amount) AS total FROM lake.shop.fragile;\n");
    String[] read = {"sql", "--config", job.toString(), "--file", sum.toString()};

    ChildJvm.Result failed =
        SparkDistribution.submit(submitArgs(new String[] {"iceberg"}, List.of(), read))
            .in(shell)
            .run(BOUND);
    assertThat(failed.exitCode()).as(failed.output()).isEqualTo(2);
    assertThat(failed.stderr().lines().filter(l -> l.startsWith("lakeforge ")))
        .as(failed.output())
        .singleElement()
        .asString()
        .contains(file.getFileName().toString())
        .contains("cannot be read (truncated or corrupt)");
    Path report;
    try (Stream<Path> reports = Files.list(conf.resolve("runs"))) {
      report =
          reports
              .filter(p -> p.toString().endsWith(".json") && !p.toString().endsWith("-result.json"))
              .filter(
                  p -> String.valueOf(report(p).summary()).contains(file.getFileName().toString()))
              .findFirst()
              .orElseThrow();
    }
    Launched d = Launched.run("diagnose", report.toString());
    assertThat(d.out()).as(d.all()).contains("cause: corrupt data file");

    submit(
        "rollback",
        "--config",
        job.toString(),
        "--table",
        "lake.shop.fragile",
        "--to-snapshot",
        Long.toString(good),
        "--reason",
        "data file corrupt");
    ChildJvm.Result again = submit(read);
    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.stdout()).contains("| 100    | 7425.0 |");
  }

  /**
   * The backup policy under spark-submit: its relative {@code to} starts at the config's folder,
   * the verification's restore and checksums run on the executors, and the run report carries the
   * table's RPO and RTO. (Retention and a run with no commit since are the in-process tests'.)
   */
  @Test
  @Order(11)
  void aBackupPolicyRunOnTheClusterWritesAVerifiedGenerationAndReportsRpoAndRto(SparkSession spark)
      throws IOException {
    clusterCatalog(spark);
    spark.sql("CREATE NAMESPACE IF NOT EXISTS cluster.shop");
    spark.sql("CREATE TABLE cluster.shop.kept (id BIGINT, amount DOUBLE) USING iceberg");
    spark.sql("INSERT INTO cluster.shop.kept SELECT id, id * 1.5 FROM range(0, 300)");
    long snapshot = table("kept").currentSnapshot().snapshotId();
    Path policy =
        Files.writeString(
            conf.resolve("backup-policy.yaml"),
            """
            catalogs:
              lake: {type: hadoop, warehouse: warehouse/lake}
            run: {reportDir: runs-backup}
            backup:
              policy:
                to: backups/policy
                tables: [lake.shop.kept]
                keep: 2
            """);

    ChildJvm.Result first = submit("backup", "--config", policy.toString());
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(first.stdout())
        .contains("lake.shop.kept: backup ")
        .contains("written and verified; snapshot " + snapshot + " (300 rows)");
    Path generations = conf.resolve("backups/policy/lake.shop.kept");
    List<Path> markers;
    try (Stream<Path> found = Files.walk(generations)) {
      markers = found.filter(f -> f.endsWith("_lakeforge_verified.json")).toList();
    }
    assertThat(markers).hasSize(1);
    JsonNode marker = JSON.readTree(markers.get(0).toFile());
    assertThat(marker.get("snapshotId").asLong()).isEqualTo(snapshot);
    assertThat(marker.get("rows").asLong()).isEqualTo(300);
    assertThat(spark.sql("SHOW TABLES IN cluster.shop").collectAsList())
        .as("the scratch table of the verification is dropped")
        .allSatisfy(r -> assertThat(r.getString(1)).doesNotContain("_lakeforge_verify_"));
    RunReport report;
    try (Stream<Path> reports = Files.list(conf.resolve("runs-backup"))) {
      report =
          reports
              .filter(f -> f.toString().endsWith(".json"))
              .map(ClusterIT::report)
              .findFirst()
              .orElseThrow();
    }
    assertThat(report.master()).isEqualTo(StandaloneCluster.shared().masterUrl());
    assertThat(report.details())
        .containsEntry("lake.shop.kept.rows", 300)
        .containsKeys("lake.shop.kept.rpoSeconds", "lake.shop.kept.rtoSeconds");
  }

  /** A PostgreSQL server that keeps its data when stopped, so it can start again on its port. */
  private static EmbeddedPostgres catalogDatabase(Path data, int port) throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setServerConfig("unix_socket_directories", "")
        .setServerConfig("fsync", "off")
        .setPGStartupWait(Duration.ofSeconds(180))
        .start();
  }

  private static Table jdbcTable(String url) {
    JdbcCatalog catalog = new JdbcCatalog();
    catalog.initialize(
        "lake",
        Map.of(
            CatalogProperties.URI,
            url,
            JdbcCatalog.PROPERTY_PREFIX + "user",
            "postgres",
            JdbcCatalog.PROPERTY_PREFIX + "password",
            "catalog-pw",
            CatalogProperties.WAREHOUSE_LOCATION,
            "file:" + conf.resolve("warehouse/jdbc-lake")));
    return catalog.loadTable(TableIdentifier.of("shop", "orders"));
  }

  /**
   * Waits until the driver's log holds {@code marker} and then an executor runs a task, seen
   * through the driver's REST API.
   */
  private static void awaitActiveTask(int ui, Process submitted, Path log, String marker)
      throws Exception {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(submitted.isAlive())
          .as("the job is still running\n" + Files.readString(log))
          .isTrue();
      if (Files.readString(log).contains(marker) && !activeExecutors(ui).isEmpty()) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "no task ran after " + marker + " within " + BOUND + "\n" + Files.readString(log));
  }

  /**
   * The ids of the application's executors that run a task now, from the driver's REST API (none
   * while its UI is not up).
   */
  private static List<String[]> activeExecutors(int ui) throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    List<String[]> busy = new ArrayList<>();
    try {
      JsonNode apps = get(http, "http://127.0.0.1:" + ui + "/api/v1/applications");
      String app = apps.path(0).path("id").asText();
      for (JsonNode e :
          get(http, "http://127.0.0.1:" + ui + "/api/v1/applications/" + app + "/executors")) {
        if (!e.path("id").asText().equals("driver") && e.path("activeTasks").asInt() > 0) {
          busy.add(new String[] {app, e.path("id").asText()});
        }
      }
    } catch (IOException notYet) {
      // the driver's UI is not up yet
    }
    return busy;
  }

  /**
   * The JVM of an executor of the submitted application that is running a task and is {@code
   * which}, found through the driver's REST API and the executor's command line.
   */
  private static ProcessHandle busyExecutor(
      int ui, Process submitted, Path log, Predicate<ProcessHandle> which) throws Exception {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(submitted.isAlive())
          .as("the job is still running\n" + Files.readString(log))
          .isTrue();
      for (String[] busy : activeExecutors(ui)) {
        Optional<ProcessHandle> jvm =
            ProcessHandle.allProcesses()
                .filter(
                    h -> {
                      String cmd = h.info().commandLine().orElse("");
                      return cmd.contains("CoarseGrainedExecutorBackend")
                          && cmd.contains("--app-id " + busy[0])
                          && cmd.contains("--executor-id " + busy[1] + " ")
                          && which.test(h);
                    })
                .findFirst();
        if (jvm.isPresent()) {
          return jvm.get();
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "no executor ran a task within " + BOUND + "\n" + Files.readString(log));
  }

  private static JsonNode get(HttpClient http, String url)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(url + " answered " + r.statusCode());
    }
    return JSON.readTree(r.body());
  }

  private static Set<Long> ids(SparkSession spark, Path parquet) {
    return ids(spark.read().parquet(parquet.toString()).select("id"));
  }

  /**
   * A table of the cluster's warehouse, read by this JVM through its own catalog {@code cluster}.
   */
  private static Set<Long> ids(SparkSession spark, String table) {
    return ids(spark, table, "id");
  }

  private static Set<Long> ids(SparkSession spark, String table, String column) {
    clusterCatalog(spark);
    return ids(spark.table(table).select(column));
  }

  /** The cluster's warehouse as this JVM's catalog {@code cluster}. */
  private static void clusterCatalog(SparkSession spark) {
    Catalogs.sparkConf(
            "cluster", CatalogSettings.hadoop(Location.of(conf.resolve("warehouse/lake"))))
        .forEach((k, v) -> spark.conf().set(k, v));
  }

  /** The ids of an Iceberg table, sorted, read in this JVM without Spark. */
  private static List<Long> ids(Table table) throws IOException {
    List<Long> ids = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).select("id").build()) {
      rows.forEach(row -> ids.add((Long) row.getField("id")));
    }
    return ids.stream().sorted().toList();
  }

  private static Set<Long> ids(Dataset<Row> rows) {
    return rows.select(rows.columns()[0]).collectAsList().stream()
        .map(r -> r.getLong(0))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Stream<Path> files(Path root) {
    try {
      return Files.exists(root)
          ? Files.walk(root).filter(Files::isRegularFile).toList().stream()
          : Stream.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static RunReport report(Path p) {
    try {
      return RunReport.read(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
