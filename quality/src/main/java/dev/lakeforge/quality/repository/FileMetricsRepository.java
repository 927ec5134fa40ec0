package dev.lakeforge.quality.repository;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.config.Redactor;
import dev.lakeforge.quality.AnalysisResult;
import dev.lakeforge.quality.MetricsQuery;
import dev.lakeforge.quality.MetricsRepository;
import dev.lakeforge.quality.QualityException;
import dev.lakeforge.quality.ResultKey;
import dev.lakeforge.quality.StoredRun;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Metrics as one JSON file per run under a folder on any Hadoop-compatible file system (local,
 * HDFS, s3a://). Each file is written under a temporary name and renamed, so concurrent writers
 * never lose a run and readers never see half a file. The run time is in the file name, so a
 * time-range query reads only the files in range.
 *
 * <pre>{@code
 * MetricsRepository repo = MetricsRepository.files("s3a://lake/dq-metrics/orders", hadoopConf);
 * }</pre>
 */
final class FileMetricsRepository implements MetricsRepository {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NAME = Pattern.compile("metrics-(\\d+)-[0-9a-f-]+\\.json");

  private final Path root;
  private final Configuration conf;

  FileMetricsRepository(String location, Configuration hadoopConf) {
    this.root = new Path(location);
    this.conf = hadoopConf;
  }

  /** On the local file system (or a location whose scheme Hadoop knows without extra settings). */
  FileMetricsRepository(String location) {
    this(location, new Configuration());
  }

  private FileSystem fs() throws IOException {
    return root.getFileSystem(conf);
  }

  @Override
  public void save(ResultKey key, AnalysisResult result) {
    String id = UUID.randomUUID().toString();
    Path target = new Path(root, "metrics-" + key.timestamp() + "-" + id + ".json");
    Path tmp = new Path(root, ".tmp-" + id + ".json");
    try {
      FileSystem fs = fs();
      fs.mkdirs(root);
      try (OutputStream out = fs.create(tmp, false)) {
        out.write(
            Redactor.global()
                .redact(JSON.writeValueAsString(new StoredRun(key, result.successMetrics())))
                .getBytes(StandardCharsets.UTF_8));
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("rename of " + tmp + " to " + target + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save metrics to " + root + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<StoredRun> load(MetricsQuery query) {
    List<StoredRun> runs = new ArrayList<>();
    try {
      FileSystem fs = fs();
      if (!fs.exists(root)) {
        return runs;
      }
      for (FileStatus f : fs.listStatus(root)) {
        Matcher m = NAME.matcher(f.getPath().getName());
        if (!m.matches()) {
          continue;
        }
        long time = Long.parseLong(m.group(1));
        if (time < query.fromMillis() || time >= query.toMillis()) {
          continue;
        }
        try (InputStream in = fs.open(f.getPath())) {
          StoredRun run = JSON.readValue(in, StoredRun.class);
          if (query.matches(run.key())) {
            runs.add(run);
          }
        } catch (IOException e) {
          throw new QualityException(
              "metrics file " + f.getPath() + " is not a saved run: " + e.getMessage(), e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list metrics in " + root + ": " + e.getMessage(), e);
    }
    runs.sort(Comparator.comparingLong(r -> r.key().timestamp()));
    return runs;
  }
}
