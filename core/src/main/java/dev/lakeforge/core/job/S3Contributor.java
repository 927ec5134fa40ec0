package dev.lakeforge.core.job;

import dev.lakeforge.core.S3Settings;
import dev.lakeforge.core.config.Config;
import java.util.Map;

/**
 * Reads {@code s3:} from a job config: S3A for every {@code s3a://} and {@code s3://} path of the
 * session.
 */
public final class S3Contributor implements SessionContributor {
  @Override
  public String section() {
    return "s3";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return S3Settings.class;
  }

  @Override
  public Map<String, String> sparkConf(Config config) {
    return config.has("s3") ? config.bind("s3", S3Settings.class).sparkConf() : Map.of();
  }
}
