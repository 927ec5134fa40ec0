package dev.lakeforge.jobs;

import dev.lakeforge.testing.SparkTestConfigurer;
import java.nio.file.Path;
import java.util.Map;

/** The shared test session gets Iceberg's SQL extensions (as the demo config asks for) and Lakeforge's SQL functions. */
public final class IcebergTestSession implements SparkTestConfigurer {
  @Override
  public void configure(Map<String, String> conf, Path root) {
    conf.put("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions,"
        + LakeforgeSqlExtensions.class.getName());
  }
}
