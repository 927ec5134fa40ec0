package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The three ways an analyzer is computed, which each analyzer declares next to its definition
 * (Deequ's analyzer shapes): in the one fused scan, from the frequencies of a column set, or by a
 * query of its own. The engine only concatenates and dispatches; it knows no analyzer by name.
 */
final class Plans {
  private Plans() {}

  /** What the columns an analyzer reads must be. */
  enum Requirement {
    ANY,
    NUMERIC,
    STRING,
    FLAT;

    String problem(String analyzer, String column, DataType type) {
      boolean ok =
          switch (this) {
            case ANY -> true;
            case NUMERIC -> type instanceof NumericType;
            case STRING -> type instanceof StringType;
            case FLAT ->
                !(type instanceof StructType
                    || type instanceof ArrayType
                    || type instanceof MapType);
          };
      if (ok) {
        return null;
      }
      String needs =
          switch (this) {
            case NUMERIC -> "a numeric column";
            case STRING -> "a string column";
            default -> "a column of flat values";
          };
      return analyzer + " needs " + needs + ", but '" + column + "' is " + type.simpleString();
    }
  }

  /** Common to every analyzer: its preconditions on the schema. */
  interface Definition {
    /** What its columns must be. */
    default Requirement requirement() {
      return Requirement.ANY;
    }

    /** Why it cannot run on data of this schema (a missing column, a wrong type), or null. */
    default String precondition(StructType schema) {
      Analyzer self = (Analyzer) this;
      for (String c : self.columns()) {
        StructField f = field(schema, c);
        if (f == null) {
          return "column '"
              + c
              + "' does not exist; columns: "
              + String.join(", ", schema.fieldNames());
        }
        String p = requirement().problem(self.getClass().getSimpleName(), c, f.dataType());
        if (p != null) {
          return p;
        }
      }
      return null;
    }

    /**
     * Why its SQL (a predicate, a binning expression) does not work on the data; analyses only,
     * reads no rows.
     */
    default String dataProblem(Dataset<Row> data) {
      return null;
    }
  }

  /**
   * Computed in the one scan shared by all such analyzers of a run (Deequ's ScanShareableAnalyzer).
   */
  interface ScanShareable extends Definition {
    /** The aggregations to add to the scan. */
    List<Column> aggregations(Scope scope);

    /** The metric, from the values of its aggregations in the order given. */
    Metric metric(Object[] values);

    /**
     * The metric from aggregations evaluated leniently, after they raised an error on some rows
     * under ANSI rules (an error is a null there); analyzers that can count such rows say so.
     */
    default Metric lenientMetric(Object[] values) {
      return metric(values);
    }

    /**
     * Whether its aggregations are sketches Spark has no generated code for (approximate counts,
     * approximate and exact percentiles, KLL). One of them in an aggregation makes Spark evaluate
     * every expression of that aggregation row by row, without generated code; on data cheap to
     * read again the sketches get an aggregation of their own ({@link Engine}).
     */
    default boolean sketch() {
      return false;
    }
  }

  /**
   * Computed from the frequencies of its column set (rows with at least one non-null value); the
   * analyzers of one column set and filter share its frequencies (Deequ's FrequencyBasedAnalyzer),
   * and the column sets of one filter share one grouping-sets aggregation.
   */
  interface FrequencyBased extends Definition {
    Metric metric(Frequencies f);

    /** The columns grouped by. */
    default List<String> groupColumns(StructType schema) {
      return ((Analyzer) this).columns();
    }

    /** Whether it needs each value's marginal counts in a pair of columns (mutual information). */
    default boolean needsMarginals() {
      return false;
    }
  }

  /**
   * Computed by a query of its own: from the schema, another data set, SQL, or a plan in two steps.
   */
  interface Standalone extends Definition {
    Metric compute(Dataset<Row> data) throws Exception;
  }

  /**
   * What scan aggregations are built from: the filter and the data's schema.
   *
   * @param filter the analyzer's SQL filter, or null for all rows
   * @param schema the data's schema
   * @param lenient whether the aggregations are evaluated again with errors as nulls, after they
   *     raised
   */
  /**
   * @param lenient evaluated with Spark's non-ANSI rules (errors are null)
   * @param gpu prefer expressions the RAPIDS Accelerator runs on the GPU where Spark's own would
   *     fall back to the CPU and the two differ in the last bits only (see {@link
   *     Analysis#GPU_EXPRESSIONS})
   */
  record Scope(String filter, StructType schema, boolean lenient, boolean gpu) {
    /** A scope of the ordinary (ANSI) evaluation. */
    Scope(String filter, StructType schema) {
      this(filter, schema, false, false);
    }

    /** The population variance of a number column's values in scope. */
    Column populationVariance(String column) {
      return gpu ? Plans.populationVariance(number(column)) : functions.var_pop(number(column));
    }

    /** The population standard deviation of a number column's values in scope. */
    Column populationStddev(String column) {
      return gpu ? Plans.populationStddev(number(column)) : functions.stddev_pop(number(column));
    }

    /** True for rows the filter keeps (a null filter result drops the row). */
    Column rows() {
      return filter == null ? lit(true) : coalesce(expr(filter), lit(false));
    }

    /** The value on rows in scope, null elsewhere. */
    Column only(Column value) {
      return filter == null ? value : when(rows(), value);
    }

    /** The column's value on rows in scope. */
    Column value(String column) {
      return only(Engine.column(column));
    }

    /** The column's value as a double on rows in scope. */
    Column number(String column) {
      return only(Engine.column(column).cast("double"));
    }

    /** The number of rows in scope. */
    Column rowCount() {
      return sum(when(rows(), 1).otherwise(0)).cast("long");
    }

    DataType type(String column) {
      return field(schema, column).dataType();
    }
  }

  /**
   * The frequencies of one column set, aggregated once for every analyzer sharing them.
   *
   * @param rows rows with at least one non-null value in the columns
   * @param groups distinct value combinations
   * @param unique combinations that occur exactly once
   * @param countLogCount the sum of {@code c ln c} over the combinations' counts
   * @param duplicateRows rows whose combination occurs more than once
   * @param mutualInformation the sum of {@code c ln(c / (cx cy))}, or NaN when not asked for
   */
  record Frequencies(
      long rows,
      long groups,
      long unique,
      double countLogCount,
      long duplicateRows,
      double mutualInformation) {}

  static StructField field(StructType schema, String name) {
    for (StructField f : schema.fields()) {
      if (f.name().equalsIgnoreCase(name)) {
        return f;
      }
    }
    return null;
  }

  static Double asDouble(Object v) {
    return v == null ? null : ((Number) v).doubleValue();
  }

  /** The metric of one aggregated number; no value (no rows, all null) fails it, as in Deequ. */
  static Metric single(Analyzer a, Object v) {
    return v == null ? Metric.empty(a) : Metric.of(a, asDouble(v));
  }

  /** A ratio of two aggregated counts; no rows fails it, as in Deequ. */
  static Metric ratio(Analyzer a, Object matches, Object rows) {
    return rows == null || ((Number) rows).longValue() == 0
        ? Metric.empty(a)
        : Metric.of(a, asDouble(matches) / asDouble(rows));
  }

  /** A text column's length for MinLength/MaxLength, with their null behaviour. */
  static Column length(String column, Analyzer.NullBehavior nulls, double failing) {
    Column c = Engine.column(column);
    Column len = functions.length(c).cast("double");
    return switch (nulls) {
      case IGNORE -> len;
      case EMPTY_STRING -> when(c.isNull(), lit(0.0)).otherwise(len);
      case FAIL -> when(c.isNull(), lit(failing)).otherwise(len);
    };
  }

  /** Skewness and kurtosis: empty without rows, else the moment. */
  /**
   * The population variance of the non-null values, from the sample standard deviation (the one
   * variance aggregate the RAPIDS Accelerator runs on the GPU): {@code s² (n - 1) / n}; 0 for one
   * value, null for none. Equal to Spark's {@code var_pop} within a few ulps, as float aggregations
   * on the GPU are anyway.
   */
  static Column populationVariance(Column x) {
    Column n = functions.count(x).cast("double");
    Column sample = functions.stddev_samp(x);
    return functions
        .when(n.equalTo(1), functions.lit(0.0))
        .otherwise(sample.multiply(sample).multiply(n.minus(1)).divide(n));
  }

  /** The population standard deviation: the square root of {@link #populationVariance}. */
  static Column populationStddev(Column x) {
    Column n = functions.count(x).cast("double");
    Column sample = functions.stddev_samp(x);
    return functions
        .when(n.equalTo(1), functions.lit(0.0))
        .otherwise(sample.multiply(functions.sqrt(n.minus(1).divide(n))));
  }

  static Metric moment(Analyzer a, Object[] v) {
    long n = v[0] == null ? 0 : ((Number) v[0]).longValue();
    return n == 0 ? Metric.empty(a) : Metric.of(a, v[1] == null ? 0.0 : Plans.asDouble(v[1]));
  }

  /** An analyzer that takes no filter was given one. */
  static IllegalArgumentException refused(Analyzer a) {
    return new IllegalArgumentException(a.getClass().getSimpleName() + " takes no where filter");
  }
}
