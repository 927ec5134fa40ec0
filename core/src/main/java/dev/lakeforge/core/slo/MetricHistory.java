package dev.lakeforge.core.slo;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads a data-quality metric's saved values for the {@code slo} job's metric objectives. The
 * quality module provides it (found with {@link ServiceLoader}), so that core does not depend on
 * the format of a metrics repository.
 *
 * <pre>{@code
 * List<MetricHistory.Sample> values = MetricHistory.find().orElseThrow()
 *     .read(objective, hadoopConf, from, to);
 * }</pre>
 */
public interface MetricHistory {
  /**
   * One run's value of the metric.
   *
   * @param time when the run's metrics were saved (its result key)
   * @param value the metric's value
   */
  record Sample(Instant time, double value) {}

  /**
   * The values of {@code objective}'s metric that its repository holds for runs saved from {@code
   * from} to {@code to}, both inclusive, oldest first.
   *
   * @throws dev.lakeforge.core.LakeforgeException when the repository does not exist or cannot be
   *     read
   */
  List<Sample> read(
      SloSettings.MetricObjective objective, Configuration hadoopConf, Instant from, Instant to);

  /** The implementation on the class path, if any (lakeforge-quality provides one). */
  static Optional<MetricHistory> find() {
    return ServiceLoader.load(MetricHistory.class, MetricHistory.class.getClassLoader())
        .findFirst();
  }
}
