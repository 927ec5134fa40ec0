package dev.lakeforge.quality;

import dev.lakeforge.quality.Analyzer.Unfiltered;
import dev.lakeforge.quality.Plans.Standalone;
import java.util.Arrays;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** ColumnExists: 1 when the data has the column (by its exact name), else 0. Reads no rows. */
public record ColumnExists(String column) implements Analyzer, Standalone, Unfiltered {
  public ColumnExists {
    Objects.requireNonNull(column, "column");
  }

  @Override
  public String name() {
    return "ColumnExists";
  }

  @Override
  public String instance() {
    return column;
  }

  @Override
  public Entity entity() {
    return Entity.DATASET;
  }

  @Override
  public ColumnExists where(String p) {
    throw Plans.refused(this);
  }

  @Override
  public Metric compute(Dataset<Row> data) {
    return Metric.of(this, Arrays.asList(data.schema().fieldNames()).contains(column) ? 1 : 0);
  }
}
