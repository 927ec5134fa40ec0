package dev.lakeforge.core.logging;

import dev.lakeforge.core.config.Redactor;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.OutputStreamAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.spark.SparkContext$;

/**
 * Routes all logging of a job run through one appender: JSON lines or text, job name and run id on
 * every line, secrets masked. Closing restores the logging set-up that was there before, so a JVM
 * that runs many jobs (tests, a scheduler) is left as it was.
 *
 * <pre>{@code
 * try (JobLogging ignored = JobLogging.install(true, "INFO", Map.of(), "sql", runId, System.err)) {
 *   ... run the job ...
 * }
 * }</pre>
 */
public final class JobLogging implements AutoCloseable {
  /**
   * Loggers that are too chatty at INFO for a job's log; each can be set in {@code logging.levels}.
   */
  static final Map<String, String> QUIET =
      Map.of(
          "org.apache.spark", "WARN",
          "org.apache.hadoop", "WARN",
          "org.apache.parquet", "WARN",
          "org.sparkproject", "WARN",
          "io.netty", "WARN",
          "org.apache.iceberg", "WARN",
          "org.apache.kafka", "WARN",
          "org.apache.hadoop.util.NativeCodeLoader", "ERROR");

  private final LoggerContext context;
  private final Appender appender;
  private final Map<String, Appender> previousRootAppenders;
  private final Level previousRootLevel;
  private final Map<String, Level> previousLevels = new HashMap<>();
  private final Map<String, Boolean> addedLoggers = new HashMap<>();

  private JobLogging(
      LoggerContext context, Appender appender, Map<String, Appender> previous, Level rootLevel) {
    this.context = context;
    this.appender = appender;
    this.previousRootAppenders = previous;
    this.previousRootLevel = rootLevel;
  }

  /**
   * Installs the job's log format.
   *
   * @param json JSON lines when true, text otherwise
   * @param level the root level
   * @param levels per-logger levels on top of the quiet defaults
   * @param job the job name on every line
   * @param runId the run id on every line
   * @param target where lines go (standard error for the launcher)
   */
  public static JobLogging install(
      boolean json,
      String level,
      Map<String, String> levels,
      String job,
      String runId,
      PrintStream target) {
    initializeSparkLogging();
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    Configuration cfg = ctx.getConfiguration();
    LoggerConfig root = cfg.getRootLogger();
    OutputStreamAppender appender =
        OutputStreamAppender.createAppender(
            new LakeforgeLayout(json, job, runId, Redactor.global()),
            null,
            target,
            "lakeforge-" + runId,
            false,
            true);
    appender.start();
    cfg.addAppender(appender);
    JobLogging installed =
        new JobLogging(ctx, appender, new LinkedHashMap<>(root.getAppenders()), root.getLevel());
    root.getAppenders().keySet().forEach(root::removeAppender);
    root.addAppender(appender, null, null);
    root.setLevel(Level.toLevel(level, Level.INFO));
    Map<String, String> all = new LinkedHashMap<>(QUIET);
    all.putAll(levels);
    all.forEach((name, lvl) -> installed.setLevel(cfg, name, Level.toLevel(lvl, Level.INFO)));
    ctx.updateLoggers();
    return installed;
  }

  /**
   * Lets Spark set up its logging now, before the job's appender is installed. Otherwise the
   * SparkContext does it when it starts, and under spark-submit (which leaves Spark's "default
   * profile" flag set) it then replaces the whole configuration, this appender included.
   */
  private static void initializeSparkLogging() {
    try {
      SparkContext$.MODULE$.initializeLogIfNecessary(false, true);
    } catch (LinkageError noSpark) {
      // Not a Spark JVM (a calculator job run without Spark on the classpath): nothing to settle.
    }
  }

  private void setLevel(Configuration cfg, String name, Level level) {
    LoggerConfig existing = cfg.getLoggerConfig(name);
    if (existing.getName().equals(name)) {
      previousLevels.put(name, existing.getLevel());
      existing.setLevel(level);
    } else {
      LoggerConfig lc = new LoggerConfig(name, level, true);
      cfg.addLogger(name, lc);
      addedLoggers.put(name, true);
    }
  }

  @Override
  public void close() {
    Configuration cfg = context.getConfiguration();
    LoggerConfig root = cfg.getRootLogger();
    root.removeAppender(appender.getName());
    previousRootAppenders.values().forEach(a -> root.addAppender(a, null, null));
    root.setLevel(previousRootLevel);
    previousLevels.forEach((name, lvl) -> cfg.getLoggerConfig(name).setLevel(lvl));
    addedLoggers.keySet().forEach(cfg::removeLogger);
    context.updateLoggers();
    appender.stop();
    cfg.getAppenders().remove(appender.getName());
  }
}
