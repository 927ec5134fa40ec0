package dev.lakeforge.quality;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Where runs' metrics are kept, for history and anomaly detection: {@link FileMetricsRepository}
 * (JSON files on any Hadoop-compatible path) or {@link TableMetricsRepository} (a table, e.g.
 * Iceberg, appended through the DataFrame writer).
 */
public interface MetricsRepository {
  /** The schema of {@link #loadAsDataFrame}: one row per metric per run. */
  StructType SCHEMA = new StructType()
      .add("result_time", DataTypes.LongType, false)
      .add("tags", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), false)
      .add("entity", DataTypes.StringType, false)
      .add("instance", DataTypes.StringType, false)
      .add("name", DataTypes.StringType, false)
      .add("value", DataTypes.DoubleType, false);

  /** Saves the successful metrics of a run under a key. */
  void save(ResultKey key, AnalysisResult result);

  /** The runs the query matches, oldest first. */
  List<StoredRun> load(MetricsQuery query);

  /** The runs the query matches, one row per metric, for SQL. */
  default Dataset<Row> loadAsDataFrame(SparkSession spark, MetricsQuery query) {
    List<Row> rows = new ArrayList<>();
    for (StoredRun run : load(query)) {
      for (MetricRecord m : run.metrics()) {
        rows.add(RowFactory.create(run.key().timestamp(), scala.jdk.javaapi.CollectionConverters.asScala(run.key().tags()),
            m.entity(), m.instance(), m.name(), m.value()));
      }
    }
    return spark.createDataFrame(rows, SCHEMA);
  }
}
