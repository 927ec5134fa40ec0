package dev.lakeforge.jobs;

import dev.lakeforge.core.Location;
import dev.lakeforge.iceberg.CatalogSettings;
import dev.lakeforge.iceberg.Catalogs;
import dev.lakeforge.testing.SparkTestConfigurer;
import java.nio.file.Path;
import java.util.Map;

/**
 * The shared test session gets Iceberg's SQL extensions, Lakeforge's SQL functions, and the catalog
 * {@code lake} under the test folder (as every local run has it; Spark keeps a catalog once loaded,
 * so jobs run in this JVM all use this one).
 */
public final class IcebergTestSession implements SparkTestConfigurer {
  @Override
  public void configure(Map<String, String> conf, Path root) {
    conf.put(
        "spark.sql.extensions",
        "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions,"
            + LakeforgeSqlExtensions.class.getName());
    conf.putAll(
        Catalogs.sparkConf("lake", CatalogSettings.hadoop(Location.of(root.resolve("lake")))));
  }
}
