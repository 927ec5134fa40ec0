package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;

import dev.lakeforge.quality.Analyzer.NumericScan;
import dev.lakeforge.quality.Plans.Scope;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * ApproxQuantile: the value below which {@code quantile} of the non-null values lie, within {@code
 * relativeError} of the rank (Spark's percentile_approx, accuracy 1 / relativeError); a relative
 * error of 0 gives the exact quantile, as in Deequ.
 */
public record ApproxQuantile(String column, double quantile, double relativeError, String filter)
    implements Analyzer, NumericScan {
  public static final double DEFAULT_RELATIVE_ERROR = 0.01;

  public ApproxQuantile {
    requireQuantile(quantile);
    requireRelativeError(relativeError);
  }

  /** Spark's percentile_approx accuracy for a relative error (0, exact: the largest accuracy). */
  static int accuracy(double relativeError) {
    return relativeError == 0
        ? Integer.MAX_VALUE
        : (int) Math.min(Integer.MAX_VALUE, Math.round(1 / relativeError));
  }

  static void requireRelativeError(double relativeError) {
    if (!(relativeError >= 0 && relativeError <= 1)) {
      throw new IllegalArgumentException("relativeError must lie in [0, 1], got " + relativeError);
    }
  }

  static void requireQuantile(double quantile) {
    if (!(quantile >= 0 && quantile <= 1)) {
      throw new IllegalArgumentException("quantile must lie in [0, 1], got " + quantile);
    }
  }

  @Override
  public String name() {
    return "ApproxQuantile-" + quantile;
  }

  @Override
  public ApproxQuantile where(String p) {
    return new ApproxQuantile(column, quantile, relativeError, p);
  }

  @Override
  public boolean sketch() {
    return true;
  }

  @Override
  public List<Column> aggregations(Scope s) {
    return List.of(
        percentile_approx(s.number(column), lit(quantile), lit(accuracy(relativeError))));
  }
}
