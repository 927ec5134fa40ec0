package dev.lakeforge.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeforge.core.Location;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.core.config.Secret;
import dev.lakeforge.testing.EmbeddedPostgresServer;
import dev.lakeforge.testing.SparkTest;
import dev.lakeforge.testing.TestWarehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SparkTest
class CatalogsTest {
  @TempDir Path dir;

  @Test
  void eachCatalogTypeBecomesSparkSettings() {
    Config c =
        Config.parse(
            """
        catalogs:
          lake: {type: hadoop, warehouse: "s3a://lake/warehouse"}
          pg: {type: jdbc, uri: "jdbc:postgresql://db:5432/iceberg", user: iceberg, password: s3cret-pg, warehouse: "s3a://lake/pg"}
          rest: {type: rest, uri: "https://catalog.example.com", token: tok-123}
          nessie: {type: nessie, uri: "http://nessie:19120/api/v2", ref: etl, warehouse: "s3a://lake/nessie", token: tok-456}
        """,
            "job.yaml");
    Map<String, String> conf = new CatalogsContributor().sparkConf(c);
    assertThat(conf)
        .containsEntry("spark.sql.extensions", Catalogs.EXTENSIONS)
        .containsEntry("spark.sql.catalog.lake", "org.apache.iceberg.spark.SparkCatalog")
        .containsEntry("spark.sql.catalog.lake.type", "hadoop")
        .containsEntry("spark.sql.catalog.lake.cache-enabled", "false")
        .containsEntry("spark.sql.catalog.pg.type", "jdbc")
        .containsEntry("spark.sql.catalog.pg.jdbc.user", "iceberg")
        .containsEntry("spark.sql.catalog.pg.jdbc.password", "s3cret-pg")
        .containsEntry("spark.sql.catalog.rest.type", "rest")
        .containsEntry("spark.sql.catalog.rest.token", "tok-123")
        .containsEntry(
            "spark.sql.catalog.nessie.catalog-impl", "org.apache.iceberg.nessie.NessieCatalog")
        .containsEntry("spark.sql.catalog.nessie.ref", "etl")
        .containsEntry("spark.sql.catalog.nessie.authentication.type", "BEARER")
        .containsEntry("spark.sql.catalog.nessie.authentication.token", "tok-456");
    assertThat(c.toYaml()).doesNotContain("s3cret-pg").doesNotContain("tok-123");
  }

  @Test
  void badCatalogSettingsNameFileLineAndKey() throws IOException {
    Path f =
        Files.writeString(
            dir.resolve("cat.yaml"), "catalogs:\n  lake:\n    type: hive\n    warehouse: x\n");
    assertThatThrownBy(() -> new CatalogsContributor().sparkConf(Config.file(f).load()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cat.yaml:3:")
        .hasMessageContaining("catalogs.lake.type")
        .hasMessageContaining("expected one of hadoop, jdbc, rest, nessie, got 'hive'");
    Path g = Files.writeString(dir.resolve("jdbc.yaml"), "catalogs:\n  pg: {type: jdbc}\n");
    assertThatThrownBy(() -> new CatalogsContributor().sparkConf(Config.file(g).load()))
        .hasMessageContaining("jdbc.yaml:2:")
        .hasMessageContaining("catalogs.pg.uri")
        .hasMessageContaining("is required for a jdbc catalog");
  }

  @Test
  void jdbcCatalogOnARealPostgresql(SparkSession spark, TestWarehouse w) throws Exception {
    String url = EmbeddedPostgresServer.jdbcUrl();
    Map<String, String> conf =
        Catalogs.sparkConf(
            "pg",
            CatalogSettings.jdbc(
                url, "postgres", Secret.of("postgres"), Location.of(w.resolve("pg"))));
    conf.forEach((k, v) -> spark.conf().set(k, v));
    spark.sql("CREATE NAMESPACE IF NOT EXISTS pg.sales");
    spark.sql("CREATE TABLE pg.sales.orders (id INT, amount DOUBLE) USING iceberg");
    spark.sql("INSERT INTO pg.sales.orders VALUES (1, 10.0), (2, 20.0)");
    spark.sql("INSERT INTO pg.sales.orders VALUES (3, 30.0)");
    LakeTable t = LakeTable.of(spark, "pg.sales.orders");
    assertThat(t.history()).hasSize(2);
    long first = t.history().get(1).snapshotId();
    t.rollback().toSnapshot(first).commit();
    assertThat(t.read().count()).isEqualTo(2);
    try (Connection c = EmbeddedPostgresServer.server().getPostgresDatabase().getConnection();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT table_namespace, table_name FROM iceberg_tables WHERE catalog_name = 'pg'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("sales");
      assertThat(rs.getString(2)).isEqualTo("orders");
    }
  }
}
