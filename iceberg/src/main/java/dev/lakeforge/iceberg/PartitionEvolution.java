package dev.lakeforge.iceberg;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdatePartitionSpec;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.Term;

/**
 * Changes a table's partitioning without rewriting data: old files keep their old layout and stay
 * readable; new writes use the new spec. Transforms are Iceberg's: a column, {@code years(c)},
 * {@code months(c)}, {@code days(c)}, {@code hours(c)}, {@code bucket(n, c)}, {@code truncate(w,
 * c)}.
 *
 * <pre>{@code
 * table.evolvePartitions().add("days(ordered_at)").add("bucket(16, customer_id)").commit();
 * table.evolvePartitions().replace("days(ordered_at)", "hours(ordered_at)").commit();
 * }</pre>
 */
public final class PartitionEvolution {
  private static final Pattern TRANSFORM =
      Pattern.compile(
          "\\s*(?:(?<column>[A-Za-z_]\\w*)|(?<time>years|months|days|hours)\\(\\s*(?<timeColumn>[A-Za-z_]\\w*)\\s*\\)"
              + "|(?<width>bucket|truncate)\\(\\s*(?<n>\\d+)\\s*,\\s*(?<widthColumn>[A-Za-z_]\\w*)\\s*\\))\\s*");

  private final LakeTable table;
  private final List<Change> changes = new ArrayList<>();

  /** One change: what it says, and what it does to a spec update. */
  private record Change(String description, UnaryOperator<UpdatePartitionSpec> apply) {}

  private PartitionEvolution(LakeTable table) {
    this.table = table;
  }

  static PartitionEvolution of(LakeTable table) {
    return new PartitionEvolution(table);
  }

  /** The transform as an Iceberg term: parsed, never pasted into SQL. */
  private static Term term(String transform) {
    Matcher m = transform == null ? null : TRANSFORM.matcher(transform);
    if (m == null || !m.matches()) {
      throw new LakeTableException(
          ErrorKind.USAGE,
          "partition transform '"
              + transform
              + "' is not one of: column,"
              + " years(c), months(c), days(c), hours(c), bucket(n, c), truncate(w, c)");
    }
    if (m.group("column") != null) {
      return Expressions.ref(m.group("column"));
    }
    if (m.group("time") != null) {
      String c = m.group("timeColumn");
      return switch (m.group("time")) {
        case "years" -> Expressions.year(c);
        case "months" -> Expressions.month(c);
        case "days" -> Expressions.day(c);
        default -> Expressions.hour(c);
      };
    }
    int n = Integer.parseInt(m.group("n"));
    String c = m.group("widthColumn");
    return m.group("width").equals("bucket")
        ? Expressions.bucket(c, n)
        : Expressions.truncate(c, n);
  }

  public PartitionEvolution add(String transform) {
    Term t = term(transform);
    changes.add(new Change("add partition field " + transform.trim(), u -> u.addField(t)));
    return this;
  }

  public PartitionEvolution drop(String transform) {
    Term t = term(transform);
    changes.add(new Change("drop partition field " + transform.trim(), u -> u.removeField(t)));
    return this;
  }

  public PartitionEvolution replace(String transform, String with) {
    Term old = term(transform);
    Term replacement = term(with);
    changes.add(
        new Change(
            "replace partition field " + transform.trim() + " with " + with.trim(),
            u -> u.removeField(old).addField(replacement)));
    return this;
  }

  /** The changes that will be made, in order; writes nothing. */
  public List<String> plan() {
    return changes.stream().map(Change::description).toList();
  }

  /**
   * Commits each change (one metadata commit each).
   *
   * @throws LakeTableException naming the change Iceberg refused (e.g. dropping a field the spec
   *     does not have)
   */
  public void commit() {
    Table t = table.table();
    for (Change change : changes) {
      try {
        change.apply().apply(t.updateSpec()).commit();
      } catch (RuntimeException e) {
        throw new LakeTableException(
            ErrorKind.USAGE,
            "partition change refused for "
                + table.name()
                + ": "
                + change.description()
                + ": "
                + LakeforgeException.firstLine(e),
            e);
      }
    }
    table.refresh();
  }

  /** The current partition spec, e.g. {@code [day(ordered_at), bucket[16](customer_id)]}. */
  public static String currentSpec(LakeTable table) {
    return table.table().spec().fields().toString();
  }
}
