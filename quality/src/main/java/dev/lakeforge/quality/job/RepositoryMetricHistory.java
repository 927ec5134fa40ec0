package dev.lakeforge.quality.job;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.SparkErrors;
import dev.lakeforge.core.slo.MetricHistory;
import dev.lakeforge.core.slo.SloSettings;
import dev.lakeforge.quality.MetricRecord;
import dev.lakeforge.quality.MetricsQuery;
import dev.lakeforge.quality.MetricsRepository;
import dev.lakeforge.quality.QualityException;
import dev.lakeforge.quality.StoredRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The {@code slo} job's reader of a file metrics repository: one sample per saved run that holds
 * the objective's metric. Found by {@link MetricHistory#find()}: public, like the jobs, only for
 * the service loader. An instance lists and parses a repository once per window and tags, so the
 * objectives on several metrics of one repository read it once.
 */
public final class RepositoryMetricHistory implements MetricHistory {
  private final Map<List<Object>, List<StoredRun>> loaded = new HashMap<>();

  @Override
  public List<Sample> read(
      SloSettings.MetricObjective objective, Configuration hadoopConf, Instant from, Instant to) {
    List<StoredRun> runs =
        loaded.computeIfAbsent(
            List.of(objective.repository().uri(), objective.tags(), from, to),
            key -> load(objective, hadoopConf, from, to));
    List<Sample> samples = new ArrayList<>();
    for (StoredRun run : runs) {
      for (MetricRecord m : run.metrics()) {
        if (m.name().equals(objective.metric()) && m.instance().equals(objective.instance())) {
          samples.add(new Sample(run.key().instant(), m.value()));
        }
      }
    }
    return samples;
  }

  private static List<StoredRun> load(
      SloSettings.MetricObjective objective, Configuration hadoopConf, Instant from, Instant to) {
    String location = objective.repository().uri();
    try {
      Path root = new Path(location);
      if (!root.getFileSystem(hadoopConf).exists(root)) {
        // a repository is written by the first run that saves to it: none is a wrong path
        throw new LakeforgeException(
            ErrorKind.NOT_FOUND,
            "no metrics repository at "
                + location
                + " (quality-check --metrics-repository writes one there)");
      }
      return MetricsRepository.files(location, hadoopConf)
          .load(new MetricsQuery(objective.tags(), from.toEpochMilli(), to.toEpochMilli() + 1));
    } catch (QualityException e) {
      throw new LakeforgeException(ErrorKind.VALIDATION, e.getMessage(), e);
    } catch (IOException | UncheckedIOException e) {
      throw new LakeforgeException(
          SparkErrors.unavailable(e).isPresent() ? ErrorKind.UNAVAILABLE : ErrorKind.USAGE,
          SparkErrors.unavailable(e).orElse("cannot read " + location + ": " + e.getMessage()),
          e);
    }
  }
}
