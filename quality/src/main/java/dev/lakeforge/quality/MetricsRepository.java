package dev.lakeforge.quality;

import dev.lakeforge.quality.repository.Repositories;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Where runs' metrics are kept, for history and anomaly detection: {@link #files} (one JSON file
 * per run on any Hadoop-compatible path) or {@link #table} (a table, e.g. Iceberg, appended through
 * the DataFrame writer).
 *
 * <pre>{@code
 * MetricsRepository repo = MetricsRepository.files("s3a://lake/dq-metrics/orders", hadoopConf);
 * }</pre>
 */
public interface MetricsRepository {
  /** The schema of {@link #loadAsDataFrame}: one row per metric per run. */
  StructType SCHEMA =
      new StructType()
          .add("result_time", DataTypes.LongType, false)
          .add("tags", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), false)
          .add("entity", DataTypes.StringType, false)
          .add("instance", DataTypes.StringType, false)
          .add("name", DataTypes.StringType, false)
          .add("value", DataTypes.DoubleType, false);

  /**
   * Metrics as one JSON file per run under a folder on any Hadoop-compatible file system (local,
   * HDFS, s3a://). Each file is written under a temporary name and renamed, so concurrent writers
   * never lose a run and readers never see half a file; the run time is in the file name, so a
   * time-range query reads only the files in range.
   */
  static MetricsRepository files(String location, Configuration hadoopConf) {
    return Repositories.files(location, hadoopConf);
  }

  /**
   * As {@link #files(String, Configuration)}, on a location Hadoop reads without extra settings
   * (e.g. local).
   */
  static MetricsRepository files(String location) {
    return files(location, new Configuration());
  }

  /**
   * Metrics appended to a table through the DataFrame writer, one row per metric per run (columns
   * of {@link #SCHEMA}), created on the first save if missing. With an Iceberg catalog this is an
   * Iceberg table; works over Spark Connect too.
   */
  static MetricsRepository table(SparkSession spark, String table) {
    return Repositories.table(spark, table);
  }

  /** Saves the successful metrics of a run under a key. */
  void save(ResultKey key, AnalysisResult result);

  /** The runs the query matches, oldest first. */
  List<StoredRun> load(MetricsQuery query);

  /** The runs the query matches, one row per metric, for SQL. */
  default Dataset<Row> loadAsDataFrame(SparkSession spark, MetricsQuery query) {
    List<Row> rows = new ArrayList<>();
    for (StoredRun run : load(query)) {
      for (MetricRecord m : run.metrics()) {
        rows.add(
            RowFactory.create(
                run.key().timestamp(),
                CollectionConverters.asScala(run.key().tags()),
                m.entity(),
                m.instance(),
                m.name(),
                m.value()));
      }
    }
    return spark.createDataFrame(rows, SCHEMA);
  }
}
