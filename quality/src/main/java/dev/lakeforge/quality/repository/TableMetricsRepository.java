package dev.lakeforge.quality.repository;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;

import dev.lakeforge.core.config.Redactor;
import dev.lakeforge.quality.AnalysisResult;
import dev.lakeforge.quality.MetricRecord;
import dev.lakeforge.quality.MetricsQuery;
import dev.lakeforge.quality.MetricsRepository;
import dev.lakeforge.quality.ResultKey;
import dev.lakeforge.quality.StoredRun;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Metrics appended to a table through the DataFrame writer, one row per metric per run (columns of
 * {@link MetricsRepository#SCHEMA}). The table is created on the first save if missing; with an
 * Iceberg catalog this is an Iceberg table, without quality depending on Iceberg code. Works over
 * Spark Connect too.
 *
 * <pre>{@code
 * MetricsRepository repo = MetricsRepository.table(spark, "lake.dq.metrics");
 * }</pre>
 */
final class TableMetricsRepository implements MetricsRepository {
  private final SparkSession spark;
  private final String table;

  TableMetricsRepository(SparkSession spark, String table) {
    this.spark = spark;
    this.table = table;
  }

  @Override
  public void save(ResultKey key, AnalysisResult result) {
    List<Row> rows = new ArrayList<>();
    for (MetricRecord m : result.successMetrics()) {
      rows.add(
          RowFactory.create(
              key.timestamp(),
              CollectionConverters.asScala(key.tags()),
              m.entity(),
              Redactor.global().redact(m.instance()),
              m.name(),
              m.value()));
    }
    if (rows.isEmpty()) {
      return;
    }
    spark.createDataFrame(rows, SCHEMA).write().mode("append").saveAsTable(table);
  }

  @Override
  public Dataset<Row> loadAsDataFrame(SparkSession session, MetricsQuery query) {
    if (!session.catalog().tableExists(table)) {
      return session.createDataFrame(List.of(), SCHEMA);
    }
    Dataset<Row> df =
        session
            .table(table)
            .where(
                col("result_time")
                    .geq(query.fromMillis())
                    .and(col("result_time").lt(query.toMillis())));
    for (Map.Entry<String, String> t : query.tags().entrySet()) {
      df = df.where(element_at(col("tags"), t.getKey()).equalTo(t.getValue()));
    }
    return df;
  }

  @Override
  public List<StoredRun> load(MetricsQuery query) {
    Map<String, ResultKey> keys = new LinkedHashMap<>();
    Map<String, List<MetricRecord>> metrics = new LinkedHashMap<>();
    for (Row r : loadAsDataFrame(spark, query).collectAsList()) {
      Map<String, String> tags = CollectionConverters.asJava(r.<String, String>getMap(1));
      ResultKey k = new ResultKey(r.getLong(0), tags);
      String id = k.timestamp() + "|" + k.tags();
      keys.putIfAbsent(id, k);
      metrics
          .computeIfAbsent(id, x -> new ArrayList<>())
          .add(new MetricRecord(r.getString(2), r.getString(3), r.getString(4), r.getDouble(5)));
    }
    List<StoredRun> runs = new ArrayList<>();
    keys.forEach((id, k) -> runs.add(new StoredRun(k, metrics.get(id))));
    runs.sort(Comparator.comparingLong(run -> run.key().timestamp()));
    return runs;
  }
}
