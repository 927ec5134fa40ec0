package dev.lakeforge.quality;

import dev.lakeforge.quality.Analyzer.Unfiltered;
import dev.lakeforge.quality.Plans.Standalone;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** ColumnCount: the number of columns of the data. Reads no rows. */
public record ColumnCount() implements Analyzer, Standalone, Unfiltered {
  @Override
  public String name() {
    return "ColumnCount";
  }

  @Override
  public String instance() {
    return "*";
  }

  @Override
  public Entity entity() {
    return Entity.DATASET;
  }

  @Override
  public ColumnCount where(String p) {
    throw Plans.refused(this);
  }

  @Override
  public Metric compute(Dataset<Row> data) {
    return Metric.of(this, data.schema().fields().length);
  }
}
