package dev.lakeforge.benchmarks;

import dev.lakeforge.core.Location;
import dev.lakeforge.iceberg.CatalogSettings;
import dev.lakeforge.iceberg.Catalogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * The generated orders data the quality benchmarks share: 10 columns, with nulls, categories and
 * patterns.
 */
final class BenchData {
  private BenchData() {}

  static SparkSession session(String app) {
    return builder(app).getOrCreate();
  }

  /** A session with an Iceberg catalog {@code bench} on a local warehouse. */
  static SparkSession icebergSession(String app, Path warehouse) {
    SparkSession.Builder b = builder(app).config("spark.sql.extensions", Catalogs.EXTENSIONS);
    Catalogs.sparkConf("bench", CatalogSettings.hadoop(Location.of(warehouse.toString())))
        .forEach(b::config);
    return b.getOrCreate();
  }

  private static SparkSession.Builder builder(String app) {
    return SparkSession.builder()
        .config("spark.api.mode", "classic")
        .master("local[2]")
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1");
  }

  /** Deletes a benchmark's temporary folder. */
  static void delete(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  static void write(SparkSession spark, long rows, String path) {
    spark
        .range(rows)
        .selectExpr(
            "id",
            "CAST(id % 1000 AS INT) AS customer",
            "CASE WHEN id % 97 = 0 THEN NULL ELSE CAST(id % 5000 AS DOUBLE) / 10 END AS amount",
            "CAST(id % 7 AS INT) AS quantity",
            "element_at(array('NEW', 'PAID', 'SHIPPED', 'CANCELLED'), CAST(id % 4 + 1 AS INT)) AS status",
            "concat('user', CAST(id % 10000 AS STRING), '@example.com') AS email",
            "CAST(id % 100 AS DOUBLE) / 100 AS discount",
            "CASE WHEN id % 50 = 0 THEN NULL ELSE concat('SKU-', CAST(id % 300 AS STRING)) END AS sku",
            "CAST(id % 3 AS DOUBLE) AS tax",
            "CAST(id % 365 AS INT) AS day")
        .write()
        .mode("overwrite")
        .parquet(path);
  }
}
