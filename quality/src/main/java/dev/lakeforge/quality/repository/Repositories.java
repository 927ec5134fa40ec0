package dev.lakeforge.quality.repository;

import dev.lakeforge.quality.MetricsRepository;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * The repositories behind {@link MetricsRepository}'s factories. Internal: use {@code
 * MetricsRepository.files(..)} or {@code MetricsRepository.table(..)}; this class is public only so
 * that they can reach it.
 */
public final class Repositories {
  private Repositories() {}

  /** See {@link MetricsRepository#files(String, Configuration)}. */
  public static MetricsRepository files(String location, Configuration hadoopConf) {
    return new FileMetricsRepository(location, hadoopConf);
  }

  /** See {@link MetricsRepository#table(SparkSession, String)}. */
  public static MetricsRepository table(SparkSession spark, String table) {
    return new TableMetricsRepository(spark, table);
  }
}
