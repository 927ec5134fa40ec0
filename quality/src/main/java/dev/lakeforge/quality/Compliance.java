package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.quality.Plans.ScanShareable;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Compliance: rows where the SQL predicate is true / rows. A predicate that is null for a row
 * counts as not compliant; so does one that raises an error on a row (ANSI mode: a division by
 * zero, an invalid cast), and the metric counts those rows ({@link Metric#erroredRows}). Fails on
 * no rows.
 */
public record Compliance(String instanceName, String predicate, String filter)
    implements Analyzer, ScanShareable {
  public Compliance {
    Objects.requireNonNull(predicate, "predicate");
    instanceName = instanceName == null ? predicate : instanceName;
  }

  @Override
  public String name() {
    return "Compliance";
  }

  @Override
  public String instance() {
    return instanceName;
  }

  @Override
  public Entity entity() {
    return Entity.COLUMN;
  }

  @Override
  public Compliance where(String p) {
    return new Compliance(instanceName, predicate, p);
  }

  @Override
  public List<String> columns() {
    return List.of();
  }

  @Override
  public String dataProblem(Dataset<Row> data) {
    String p = Engine.predicateProblem(data, predicate);
    return p == null ? null : "invalid predicate '" + predicate + "': " + p;
  }

  @Override
  public List<Column> aggregations(Scope s) {
    Column compliant = functions.sum(s.only(when(expr(predicate), 1).otherwise(0)));
    // the rows that raised are counted only in the lenient evaluation: under ANSI none got this
    // far
    return s.lenient()
        ? List.of(
            compliant,
            s.rowCount(),
            functions
                .sum(s.only(when(Engine.raised(predicate, s.schema()), 1).otherwise(0)))
                .cast("long"))
        : List.of(compliant, s.rowCount());
  }

  @Override
  public Metric metric(Object[] v) {
    return Plans.ratio(this, v[0], v[1]);
  }

  /** Rows whose predicate raised an error count as not compliant, and are counted. */
  @Override
  public Metric lenientMetric(Object[] v) {
    Metric m = metric(v);
    return m.isSuccess() && v.length > 2 && v[2] != null
        ? m.withErroredRows(((Number) v[2]).longValue())
        : m;
  }
}
