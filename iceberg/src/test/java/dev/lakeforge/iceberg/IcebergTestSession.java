package dev.lakeforge.iceberg;

import dev.lakeforge.core.Location;
import dev.lakeforge.testing.SparkTestConfigurer;
import java.nio.file.Path;
import java.util.Map;

/**
 * The shared test session gets Iceberg's extensions and a hadoop catalog {@code lake} under the
 * test folder.
 */
public final class IcebergTestSession implements SparkTestConfigurer {
  @Override
  public void configure(Map<String, String> conf, Path root) {
    conf.put("spark.sql.extensions", Catalogs.EXTENSIONS);
    conf.putAll(
        Catalogs.sparkConf("lake", CatalogSettings.hadoop(Location.of(root.resolve("lake")))));
  }
}
