package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.quality.Analyzer.Unfiltered;
import dev.lakeforge.quality.Plans.Standalone;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * DatasetMatch: the fraction of the data's rows that have a row in the other data set with the same
 * key and equal values in the compared columns (all non-key columns of the data unless given). As
 * in Deequ, keys must be unique in both and the row counts equal, else the metric fails saying
 * which; unlike Deequ, two nulls are equal.
 *
 * @param other the other data set, or null to read {@code table}
 * @param table the other data set's table name (suites), or null
 * @param keys key column of the data to key column of the other
 * @param compare compared column of the data to column of the other; empty: every non-key column,
 *     same name
 */
public record DatasetMatch(
    Dataset<Row> other, String table, Map<String, String> keys, Map<String, String> compare)
    implements Analyzer, Standalone, Unfiltered {
  public DatasetMatch {
    if ((other == null) == (table == null)) {
      throw new IllegalArgumentException(
          "DatasetMatch needs the other data set or its table, one of the two");
    }
    if (keys == null || keys.isEmpty()) {
      throw new IllegalArgumentException("DatasetMatch needs at least one key column");
    }
    keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    compare =
        Collections.unmodifiableMap(new LinkedHashMap<>(compare == null ? Map.of() : compare));
  }

  /** Compares only these columns (data column to the other's). */
  public DatasetMatch comparing(Map<String, String> columns) {
    return new DatasetMatch(other, table, keys, columns);
  }

  @Override
  public String name() {
    return "DatasetMatch";
  }

  @Override
  public String instance() {
    return String.join(",", keys.keySet());
  }

  @Override
  public Entity entity() {
    return Entity.DATASET;
  }

  @Override
  public List<String> columns() {
    List<String> out = new ArrayList<>(keys.keySet());
    out.addAll(compare.keySet());
    return out;
  }

  @Override
  public DatasetMatch where(String p) {
    throw Plans.refused(this);
  }

  /** The other data set's table exists (a data set given as a Dataset is there already). */
  @Override
  public String dataProblem(Dataset<Row> data) {
    if (table == null) {
      return null;
    }
    try {
      data.sparkSession().table(table).schema();
      return null;
    } catch (Exception e) {
      return "the table to match, "
          + table
          + ", cannot be read: "
          + LakeforgeException.firstLine(e);
    }
  }

  @Override
  public Metric compute(Dataset<Row> data) {
    Dataset<Row> theirs = other != null ? other : data.sparkSession().table(table);
    StructType mine = data.schema();
    Map<String, String> compared = new LinkedHashMap<>(compare);
    if (compared.isEmpty()) {
      for (String c : mine.fieldNames()) {
        if (keys.keySet().stream().noneMatch(c::equalsIgnoreCase)) {
          compared.put(c, c);
        }
      }
    }
    List<String> missing = new ArrayList<>();
    for (String c : keys.values()) {
      if (Plans.field(theirs.schema(), c) == null) {
        missing.add(c);
      }
    }
    for (String c : compared.values()) {
      if (Plans.field(theirs.schema(), c) == null) {
        missing.add(c);
      }
    }
    if (!missing.isEmpty()) {
      return Metric.failed(
          this,
          "the other data set has no column "
              + String.join(", ", missing)
              + "; columns: "
              + String.join(", ", theirs.schema().fieldNames()));
    }
    Row a = keyCounts(data, List.copyOf(keys.keySet()));
    Row b = keyCounts(theirs, List.copyOf(keys.values()));
    if (a.getLong(0) != a.getLong(1) || b.getLong(0) != b.getLong(1)) {
      return Metric.failed(
          this,
          "the keys "
              + keys
              + " are not unique: the data has "
              + a.getLong(1)
              + " keys in "
              + a.getLong(0)
              + " rows, the other "
              + b.getLong(1)
              + " in "
              + b.getLong(0));
    }
    if (a.getLong(0) != b.getLong(0)) {
      return Metric.failed(this, "the row counts differ: " + a.getLong(0) + " and " + b.getLong(0));
    }
    if (a.getLong(0) == 0) {
      return Metric.empty(this);
    }
    Dataset<Row> left = data.select(prefixed(keys.keySet(), compared.keySet(), "l"));
    Dataset<Row> right = theirs.select(prefixed(keys.values(), compared.values(), "r"));
    Column on = lit(true);
    int i = 0;
    for (int k = 0; k < keys.size(); k++, i++) {
      on = on.and(col("l" + i).eqNullSafe(col("r" + i)));
    }
    for (int k = 0; k < compared.size(); k++, i++) {
      on = on.and(col("l" + i).eqNullSafe(col("r" + i)));
    }
    long matched = left.join(right, on, "inner").count();
    return Metric.of(this, (double) matched / a.getLong(0));
  }

  private static Row keyCounts(Dataset<Row> d, List<String> cols) {
    Column[] keyCols = cols.stream().map(Engine::column).toArray(Column[]::new);
    return d.groupBy(keyCols)
        .agg(count(lit(1)).as("n"))
        .agg(coalesce(functions.sum(col("n")), lit(0L)).cast("long"), count(lit(1)))
        .first();
  }

  private static Column[] prefixed(
      Collection<String> keyCols, Collection<String> others, String p) {
    List<Column> out = new ArrayList<>();
    for (String c : keyCols) {
      out.add(Engine.column(c).as(p + out.size()));
    }
    for (String c : others) {
      out.add(Engine.column(c).as(p + out.size()));
    }
    return out.toArray(Column[]::new);
  }
}
