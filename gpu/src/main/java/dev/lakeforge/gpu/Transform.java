package dev.lakeforge.gpu;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A step that turns a DataFrame into another, built from Spark's built-in expressions only (no
 * UDF), so that the RAPIDS Accelerator runs all of it on the GPU, and Spark Connect clients can use
 * it as well. {@link Transforms} holds the shipped ones.
 *
 * <pre>{@code
 * Transform features = Transforms.dateParts("ts", "hour", "dayofweek")
 *     .andThen(Transforms.cyclic("ts_hour", 24))
 *     .andThen(Transforms.standardize("amount"));
 * Dataset<Row> out = features.apply(events);
 * }</pre>
 */
public interface Transform {
  /**
   * Applies the step. Steps that learn from the data (standardize, normalize, one-hot without
   * categories) run one aggregation over the input first; the others are lazy.
   *
   * @throws GpuException {@code USAGE} naming the column that is missing or has the wrong type
   */
  Dataset<Row> apply(Dataset<Row> input);

  /** One line saying what the step does, for plans and logs. */
  String describe();

  /** This step, then the next one. */
  default Transform andThen(Transform next) {
    Transform first = this;
    return new Transform() {
      @Override
      public Dataset<Row> apply(Dataset<Row> input) {
        return next.apply(first.apply(input));
      }

      @Override
      public String describe() {
        return first.describe() + "; " + next.describe();
      }
    };
  }
}
