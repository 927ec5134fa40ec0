package dev.lakeforge.iceberg;

import dev.lakeforge.core.LakeforgeException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Changes a table's partitioning without rewriting data: old files keep their old layout and stay
 * readable; new writes use the new spec. Transforms are Iceberg's: a column, {@code years(c)},
 * {@code months(c)}, {@code days(c)}, {@code hours(c)}, {@code bucket(n, c)}, {@code truncate(w, c)}.
 *
 * <pre>{@code
 * PartitionEvolution.of(table).add("days(ordered_at)").add("bucket(16, customer_id)").apply();
 * PartitionEvolution.of(table).replace("days(ordered_at)", "hours(ordered_at)").apply();
 * }</pre>
 */
public final class PartitionEvolution {
  private static final Pattern TRANSFORM = Pattern.compile(
      "\\s*(?:[A-Za-z_][\\w]*|(?:years|months|days|hours)\\(\\s*[A-Za-z_][\\w]*\\s*\\)"
          + "|(?:bucket|truncate)\\(\\s*\\d+\\s*,\\s*[A-Za-z_][\\w]*\\s*\\))\\s*");

  private final LakeTable table;
  private final List<String> statements = new ArrayList<>();

  private PartitionEvolution(LakeTable table) {
    this.table = table;
  }

  public static PartitionEvolution of(LakeTable table) {
    return new PartitionEvolution(table);
  }

  private static String check(String transform) {
    if (transform == null || !TRANSFORM.matcher(transform).matches()) {
      throw new LakeTableException("partition transform '" + transform + "' is not one of: column, years(c), months(c),"
          + " days(c), hours(c), bucket(n, c), truncate(w, c)");
    }
    return transform.trim();
  }

  public PartitionEvolution add(String transform) {
    statements.add("ADD PARTITION FIELD " + check(transform));
    return this;
  }

  public PartitionEvolution drop(String transform) {
    statements.add("DROP PARTITION FIELD " + check(transform));
    return this;
  }

  public PartitionEvolution replace(String transform, String with) {
    statements.add("REPLACE PARTITION FIELD " + check(transform) + " WITH " + check(with));
    return this;
  }

  /** The statements that will run, in order. */
  public List<String> plan() {
    return statements.stream().map(s -> "ALTER TABLE " + table.name() + " " + s).toList();
  }

  /**
   * Applies each change (one metadata commit each).
   *
   * @throws LakeTableException naming the change Iceberg refused (e.g. dropping a field the spec does not have)
   */
  public void apply() {
    for (String sql : plan()) {
      try {
        table.spark().sql(sql);
      } catch (Exception e) {
        throw new LakeTableException("partition change refused for " + table.name() + ": " + sql + ": "
            + LakeforgeException.firstLine(e), e);
      }
    }
    table.refresh();
  }

  /** The current partition spec, e.g. {@code [day(ordered_at), bucket[16](customer_id)]}. */
  public static String currentSpec(LakeTable table) {
    return table.table().spec().fields().toString();
  }
}
