package dev.lakeforge.testing;

import dev.lakeforge.core.TextTable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.opentest4j.AssertionFailedError;
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Assertions on DataFrames for tests: same schema (with a readable diff), same rows in any order,
 * doubles within a tolerance; on failure the first differing rows are shown side by side. Rows are
 * collected, so keep test data small (thousands of rows, not millions).
 *
 * <pre>{@code
 * DataFrameAssert.assertThat(actual)
 *     .withTolerance(1e-9)
 *     .hasSameSchemaAs(expected)
 *     .hasSameRowsAs(expected);
 * }</pre>
 */
public final class DataFrameAssert {
  private static final int SHOWN = 10;

  private final Dataset<Row> actual;
  private double tolerance;
  private boolean checkNullability = true;

  private DataFrameAssert(Dataset<Row> actual) {
    this.actual = Objects.requireNonNull(actual, "actual");
  }

  public static DataFrameAssert assertThat(Dataset<Row> actual) {
    return new DataFrameAssert(actual);
  }

  /** Doubles and floats match when within this absolute or relative difference. */
  public DataFrameAssert withTolerance(double tolerance) {
    this.tolerance = tolerance;
    return this;
  }

  /** Schema comparisons ignore whether a field is nullable. */
  public DataFrameAssert ignoringNullability() {
    this.checkNullability = false;
    return this;
  }

  public DataFrameAssert hasSameSchemaAs(Dataset<Row> expected) {
    return hasSchema(expected.schema());
  }

  /** Same field names, types and (unless ignored) nullability, in the same order. */
  public DataFrameAssert hasSchema(StructType expected) {
    StructType got = actual.schema();
    List<List<String>> rows = new ArrayList<>();
    boolean same = true;
    int n = Math.max(expected.size(), got.size());
    for (int i = 0; i < n; i++) {
      StructField e = i < expected.size() ? expected.fields()[i] : null;
      StructField a = i < got.size() ? got.fields()[i] : null;
      boolean ok =
          e != null
              && a != null
              && e.name().equals(a.name())
              && sameType(e, a)
              && (!checkNullability || e.nullable() == a.nullable());
      same &= ok;
      rows.add(List.of(ok ? "" : "*", field(e), field(a)));
    }
    if (!same) {
      throw new AssertionFailedError(
          "schemas differ (* marks a difference):\n"
              + TextTable.render(List.of("", "expected", "actual"), rows),
          expected.treeString(),
          got.treeString());
    }
    return this;
  }

  private boolean sameType(StructField e, StructField a) {
    if (checkNullability) {
      return e.dataType().equals(a.dataType());
    }
    return e.dataType().simpleString().equals(a.dataType().simpleString());
  }

  private static String field(StructField f) {
    return f == null
        ? "(none)"
        : f.name() + ": " + f.dataType().simpleString() + (f.nullable() ? "" : " not null");
  }

  public DataFrameAssert hasSameRowsAs(Dataset<Row> expected) {
    String[] e = expected.columns();
    String[] a = actual.columns();
    if (!Arrays.equals(e, a)) {
      throw new AssertionFailedError(
          "columns differ: expected " + Arrays.toString(e) + ", actual " + Arrays.toString(a),
          Arrays.toString(e),
          Arrays.toString(a));
    }
    return containsExactlyInAnyOrder(expected.collectAsList());
  }

  /** The same rows, each as often, in any order. */
  public DataFrameAssert containsExactlyInAnyOrder(List<Row> expectedRows) {
    List<List<Object>> expected = normalise(expectedRows);
    List<List<Object>> got = normalise(actual.collectAsList());
    Map<String, Integer> exactActual = new HashMap<>();
    got.forEach(r -> exactActual.merge(r.toString(), 1, Integer::sum));
    List<List<Object>> missing = new ArrayList<>();
    for (List<Object> r : expected) {
      Integer c = exactActual.get(r.toString());
      if (c != null && c > 0) {
        exactActual.put(r.toString(), c - 1);
      } else {
        missing.add(r);
      }
    }
    List<List<Object>> extra = new ArrayList<>();
    Map<String, Integer> left = new HashMap<>(exactActual);
    for (List<Object> r : got) {
      Integer c = left.get(r.toString());
      if (c != null && c > 0) {
        left.put(r.toString(), c - 1);
        extra.add(r);
      }
    }
    if (tolerance > 0) {
      Iterator<List<Object>> it = missing.iterator();
      while (it.hasNext()) {
        List<Object> m = it.next();
        for (int i = 0; i < extra.size(); i++) {
          if (matches(m, extra.get(i))) {
            extra.remove(i);
            it.remove();
            break;
          }
        }
      }
    }
    if (!missing.isEmpty() || !extra.isEmpty()) {
      missing.sort(Comparator.comparing(Object::toString));
      extra.sort(Comparator.comparing(Object::toString));
      String msg =
          String.format(
              Locale.ROOT,
              "rows differ: expected %d rows, actual %d; %d expected row(s) not found, %d actual"
                  + " row(s) not expected%s. First differences, side by side (* marks a differing value):%n%s",
              expected.size(),
              got.size(),
              missing.size(),
              extra.size(),
              tolerance > 0 ? " (doubles within " + tolerance + ")" : "",
              sideBySide(missing, extra));
      throw new AssertionFailedError(msg, missing.toString(), extra.toString());
    }
    return this;
  }

  private String sideBySide(List<List<Object>> missing, List<List<Object>> extra) {
    String[] cols = actual.columns();
    List<String> header = new ArrayList<>();
    header.add("#");
    for (String c : cols) {
      header.add(c + " (expected)");
      header.add(c + " (actual)");
    }
    List<List<String>> rows = new ArrayList<>();
    int n = Math.min(SHOWN, Math.max(missing.size(), extra.size()));
    for (int i = 0; i < n; i++) {
      List<Object> e = i < missing.size() ? missing.get(i) : null;
      List<Object> a = i < extra.size() ? extra.get(i) : null;
      List<String> row = new ArrayList<>();
      row.add(Integer.toString(i + 1));
      for (int c = 0; c < cols.length; c++) {
        Object ev = e == null ? null : e.get(c);
        Object av = a == null ? null : a.get(c);
        boolean differs = e == null || a == null || !valueMatches(ev, av);
        row.add(e == null ? "(no row)" : String.valueOf(ev));
        row.add((differs ? "*" : "") + (a == null ? "(no row)" : String.valueOf(av)));
      }
      rows.add(row);
    }
    return TextTable.render(header, rows);
  }

  private boolean matches(List<Object> a, List<Object> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!valueMatches(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  @SuppressWarnings("unchecked")
  private boolean valueMatches(Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    if ((a instanceof Double || a instanceof Float) && b instanceof Number nb) {
      double x = ((Number) a).doubleValue();
      double y = nb.doubleValue();
      if (Double.isNaN(x) || Double.isNaN(y)) {
        return Double.isNaN(x) && Double.isNaN(y);
      }
      double d = Math.abs(x - y);
      return d == 0 || d <= tolerance || d <= tolerance * Math.max(Math.abs(x), Math.abs(y));
    }
    if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
      return x.compareTo(y) == 0;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      return matches((List<Object>) x, (List<Object>) y);
    }
    return a.equals(b);
  }

  private static List<List<Object>> normalise(List<Row> rows) {
    List<List<Object>> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(row(r));
    }
    return out;
  }

  private static List<Object> row(Row r) {
    List<Object> values = new ArrayList<>(r.length());
    for (int i = 0; i < r.length(); i++) {
      values.add(value(r.get(i)));
    }
    return values;
  }

  private static Object value(Object v) {
    if (v instanceof Row r) {
      return row(r);
    }
    if (v instanceof Seq<?> s) {
      List<Object> l = new ArrayList<>();
      CollectionConverters.asJava(s).forEach(x -> l.add(value(x)));
      return l;
    }
    if (v instanceof scala.collection.Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      CollectionConverters.asJava(m).forEach((k, x) -> out.put(value(k), value(x)));
      return out;
    }
    if (v instanceof byte[] b) {
      return Arrays.toString(b);
    }
    if (v instanceof BigDecimal d) {
      return d.stripTrailingZeros();
    }
    return v;
  }
}
