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
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The {@code slo} job's reader of a file metrics repository: one sample per saved run that holds
 * the objective's metric. Found by {@link MetricHistory#find()}: public, like the jobs, only for
 * the service loader.
 */
public final class RepositoryMetricHistory implements MetricHistory {
  @Override
  public List<Sample> read(
      SloSettings.MetricObjective objective, Configuration hadoopConf, Instant from, Instant to) {
    String location = objective.repository().uri();
    List<StoredRun> runs;
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
      runs =
          MetricsRepository.files(location, hadoopConf)
              .load(new MetricsQuery(objective.tags(), from.toEpochMilli(), to.toEpochMilli() + 1));
    } catch (QualityException e) {
      throw new LakeforgeException(ErrorKind.VALIDATION, e.getMessage(), e);
    } catch (IOException | UncheckedIOException e) {
      throw new LakeforgeException(
          SparkErrors.unavailable(e).isPresent() ? ErrorKind.UNAVAILABLE : ErrorKind.USAGE,
          SparkErrors.unavailable(e).orElse("cannot read " + location + ": " + e.getMessage()),
          e);
    }
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
}
