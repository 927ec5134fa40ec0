package dev.lakeforge.quality;

import dev.lakeforge.quality.Analyzer.Grouping;
import dev.lakeforge.quality.Plans.Frequencies;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * DuplicateRowCount: the rows whose values in the columns (every column when none are given) occur
 * more than once, among rows with at least one non-null value there. 0 on no rows, as in Deequ.
 */
public record DuplicateRowCount(List<String> columns, String filter) implements Analyzer, Grouping {
  public DuplicateRowCount {
    columns = List.copyOf(columns);
  }

  @Override
  public String name() {
    return "DuplicateRowCount";
  }

  @Override
  public String instance() {
    return columns.isEmpty() ? "*" : String.join(",", columns);
  }

  @Override
  public Entity entity() {
    return columns.isEmpty() ? Entity.DATASET : Entity.of(columns);
  }

  @Override
  public DuplicateRowCount where(String p) {
    return new DuplicateRowCount(columns, p);
  }

  @Override
  public List<String> groupColumns(StructType schema) {
    return columns.isEmpty() ? List.of(schema.fieldNames()) : columns;
  }

  @Override
  public Metric metric(Frequencies f) {
    return Metric.of(this, f.duplicateRows());
  }
}
