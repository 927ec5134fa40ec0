package dev.lakeforge.streaming;

import dev.lakeforge.core.Location;
import dev.lakeforge.iceberg.CatalogSettings;
import dev.lakeforge.iceberg.Catalogs;
import dev.lakeforge.testing.SparkTestConfigurer;
import java.nio.file.Path;
import java.util.Map;

/** The shared test session gets Iceberg's extensions and a hadoop catalog {@code lake}. */
public final class StreamingTestSession implements SparkTestConfigurer {
  @Override
  public void configure(Map<String, String> conf, Path root) {
    conf.put("spark.sql.extensions", Catalogs.EXTENSIONS);
    conf.putAll(
        Catalogs.sparkConf("lake", CatalogSettings.hadoop(Location.of(root.resolve("lake")))));
    conf.put("spark.sql.streaming.noDataMicroBatches.enabled", "false");
  }
}
