package dev.lakeforge.iceberg;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Moves a table to a target schema (top-level columns): additions, widening (int to bigint, float
 * to double, decimal precision), explicit renames, reorders, required to optional. Each change is
 * classified as safe or breaking before anything happens; breaking ones (drops, narrowing or other
 * type changes, optional to required, required additions) are refused unless forced. All changes go
 * in one schema commit; data written before stays readable (Iceberg tracks columns by id).
 *
 * <pre>{@code
 * SchemaEvolution e = table.evolveSchema(targetSchema).rename("cust", "customer_id");
 * e.plan().forEach(System.out::println);   // writes nothing
 * e.commit();                              // throws if any change is breaking
 * }</pre>
 */
public final class SchemaEvolution {
  private final LakeTable table;
  private StructType target;
  private final Map<String, String> renames = new LinkedHashMap<>();
  private boolean allowBreaking;

  private SchemaEvolution(LakeTable table) {
    this.table = table;
  }

  static SchemaEvolution of(LakeTable table) {
    return new SchemaEvolution(table);
  }

  /** The schema the table should have. */
  public SchemaEvolution to(StructType targetSchema) {
    this.target = targetSchema;
    return this;
  }

  /**
   * An explicit rename: {@code from} in the table is {@code to} in the target (renames are never
   * guessed).
   */
  public SchemaEvolution rename(String from, String to) {
    renames.put(from, to);
    return this;
  }

  /**
   * Breaking changes too, on {@link #commit()} (except type changes Iceberg cannot make at all).
   */
  public SchemaEvolution allowBreakingChanges() {
    this.allowBreaking = true;
    return this;
  }

  /** The changes, each classified; writes nothing. */
  public List<SchemaChange> plan() {
    if (target == null) {
      throw new LakeTableException(
          "schema evolution of " + table.name() + ": no target schema; call to(schema)");
    }
    Schema current = table.table().schema();
    Map<String, String> targetToCurrent = new HashMap<>();
    renames.forEach((from, to) -> targetToCurrent.put(to, from));
    List<SchemaChange> out = new ArrayList<>();
    renames.forEach(
        (from, to) -> {
          if (current.findField(from) == null) {
            throw new LakeTableException(
                "cannot rename "
                    + from
                    + " of "
                    + table.name()
                    + ": no such column; columns: "
                    + columnNames(current));
          }
          if (!hasField(target, to)) {
            throw new LakeTableException(
                "cannot rename " + from + " to " + to + ": the target schema has no column " + to);
          }
          out.add(
              new SchemaChange(
                  SchemaChange.Kind.RENAME,
                  from,
                  from + " -> " + to,
                  true,
                  "Iceberg tracks columns by id, so data written before keeps its values"));
        });
    for (StructField f : target.fields()) {
      String currentName = targetToCurrent.getOrDefault(f.name(), f.name());
      Types.NestedField existing = current.findField(currentName);
      Type wanted = SparkSchemaUtil.convert(f.dataType());
      if (existing == null) {
        out.add(
            f.nullable()
                ? new SchemaChange(
                    SchemaChange.Kind.ADD,
                    f.name(),
                    f.dataType().simpleString(),
                    true,
                    "a new optional column reads as null in existing data")
                : new SchemaChange(
                    SchemaChange.Kind.ADD,
                    f.name(),
                    f.dataType().simpleString() + " not null",
                    false,
                    "existing rows have no value for a required column"));
        continue;
      }
      if (!existing.type().equals(wanted)) {
        boolean widening = isWidening(existing.type(), wanted);
        out.add(
            new SchemaChange(
                widening ? SchemaChange.Kind.WIDEN : SchemaChange.Kind.RETYPE,
                f.name(),
                existing.type() + " -> " + wanted,
                widening,
                widening
                    ? "every old value fits the wider type"
                    : "Iceberg only widens int to long, float to double and decimal precision; other changes need a rewrite"));
      }
      if (existing.isRequired() && f.nullable()) {
        out.add(
            new SchemaChange(
                SchemaChange.Kind.MAKE_OPTIONAL,
                f.name(),
                "required -> optional",
                true,
                "existing values stay valid"));
      } else if (existing.isOptional() && !f.nullable()) {
        out.add(
            new SchemaChange(
                SchemaChange.Kind.MAKE_REQUIRED,
                f.name(),
                "optional -> required",
                false,
                "existing data may hold nulls"));
      }
    }
    for (Types.NestedField existing : current.columns()) {
      String targetName = renames.getOrDefault(existing.name(), existing.name());
      if (!hasField(target, targetName)) {
        out.add(
            new SchemaChange(
                SchemaChange.Kind.DROP,
                existing.name(),
                "",
                false,
                "queries and readers that use the column break, and its data is no longer readable"));
      }
    }
    List<String> currentOrder = new ArrayList<>();
    for (Types.NestedField c : current.columns()) {
      String n = renames.getOrDefault(c.name(), c.name());
      if (hasField(target, n)) {
        currentOrder.add(n);
      }
    }
    List<String> targetOrder = new ArrayList<>();
    for (StructField f : target.fields()) {
      if (currentOrder.contains(f.name())) {
        targetOrder.add(f.name());
      }
    }
    if (!currentOrder.equals(targetOrder)) {
      out.add(
          new SchemaChange(
              SchemaChange.Kind.REORDER,
              String.join(", ", targetOrder),
              currentOrder + " -> " + targetOrder,
              true,
              "Iceberg reads columns by id, not position"));
    }
    return out;
  }

  /** Whether any change is breaking. */
  public boolean isBreaking() {
    return plan().stream().anyMatch(c -> !c.safe());
  }

  /**
   * Commits the changes in one schema commit.
   *
   * @throws LakeTableException listing the breaking changes when there are any and they are not
   *     allowed ({@link #allowBreakingChanges()}), or a type change Iceberg cannot make
   */
  public List<SchemaChange> commit() {
    List<SchemaChange> changes = plan();
    List<SchemaChange> breaking = changes.stream().filter(c -> !c.safe()).toList();
    if (!breaking.isEmpty() && !allowBreaking) {
      throw new LakeTableException(
          "refusing breaking schema changes to "
              + table.name()
              + " (allowBreakingChanges() commits them):\n  "
              + String.join("\n  ", breaking.stream().map(Object::toString).toList()));
    }
    if (changes.stream().anyMatch(c -> c.kind() == SchemaChange.Kind.RETYPE)) {
      throw new LakeTableException(
          "Iceberg cannot change the type of these columns of "
              + table.name()
              + " in place: "
              + changes.stream()
                  .filter(c -> c.kind() == SchemaChange.Kind.RETYPE)
                  .map(c -> c.column() + " " + c.detail())
                  .toList()
              + "; add a new column and backfill it");
    }
    if (changes.isEmpty()) {
      return changes;
    }
    Table t = table.table();
    UpdateSchema u = t.updateSchema();
    if (allowBreaking) {
      u = u.allowIncompatibleChanges();
    }
    Map<String, String> targetToCurrent = new HashMap<>();
    renames.forEach((from, to) -> targetToCurrent.put(to, from));
    for (SchemaChange c : changes) {
      switch (c.kind()) {
        case DROP -> u.deleteColumn(c.column());
        case RENAME -> u.renameColumn(c.column(), renames.get(c.column()));
        default -> {}
      }
    }
    for (StructField f : target.fields()) {
      String currentName = targetToCurrent.getOrDefault(f.name(), f.name());
      Types.NestedField existing = t.schema().findField(currentName);
      Type wanted = SparkSchemaUtil.convert(f.dataType());
      if (existing == null) {
        if (f.nullable()) {
          u.addColumn(f.name(), wanted);
        } else {
          u.addRequiredColumn(f.name(), wanted);
        }
        continue;
      }
      if (!existing.type().equals(wanted)) {
        u.updateColumn(currentName, wanted.asPrimitiveType());
      }
      if (existing.isRequired() && f.nullable()) {
        u.makeColumnOptional(currentName);
      } else if (existing.isOptional() && !f.nullable()) {
        u.requireColumn(currentName);
      }
    }
    String previous = null;
    for (StructField f : target.fields()) {
      String currentName = targetToCurrent.getOrDefault(f.name(), f.name());
      if (previous == null) {
        u.moveFirst(currentName);
      } else {
        u.moveAfter(currentName, previous);
      }
      previous = currentName;
    }
    u.commit();
    table.refresh();
    return changes;
  }

  private static boolean hasField(StructType s, String name) {
    for (StructField f : s.fields()) {
      if (f.name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> columnNames(Schema s) {
    return s.columns().stream().map(Types.NestedField::name).toList();
  }

  static boolean isWidening(Type from, Type to) {
    if (from.typeId() == Type.TypeID.INTEGER && to.typeId() == Type.TypeID.LONG) {
      return true;
    }
    if (from.typeId() == Type.TypeID.FLOAT && to.typeId() == Type.TypeID.DOUBLE) {
      return true;
    }
    if (from instanceof Types.DecimalType a && to instanceof Types.DecimalType b) {
      return a.scale() == b.scale() && b.precision() > a.precision();
    }
    return false;
  }
}
