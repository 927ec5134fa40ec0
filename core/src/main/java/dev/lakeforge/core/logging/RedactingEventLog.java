package dev.lakeforge.core.logging;

import dev.lakeforge.core.config.Redactor;
import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkFirehoseListener;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.deploy.history.EventLogFileWriter;
import org.apache.spark.scheduler.EventLoggingListener$;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.scheduler.SparkListenerBlockUpdated;
import org.apache.spark.scheduler.SparkListenerEnvironmentUpdate;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerLogStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskGettingResult;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.util.JsonProtocol;

/**
 * Spark's event log, with every secret Lakeforge knows masked in each event before it is written.
 * Spark's own event log masks settings by name and value, but not the plans it records: a secret
 * used in a query (an SQL variable, a suite's allowed value) reaches the log as a literal. This
 * listener writes the same files, for the same history server, through Spark's own writer (rolling,
 * compression and the folder layout as configured), after masking.
 *
 * <p>{@link dev.lakeforge.core.Sessions#create Sessions.create} puts it in place of Spark's when
 * {@code spark.eventLog.enabled} is true; it reads the {@code spark.eventLog.*} settings. Spark
 * creates it, so it is public; it is not an API to call.
 */
public final class RedactingEventLog extends SparkFirehoseListener {
  private static final String DEFAULT_DIR = "file:/tmp/spark-events";
  private static final String MASKED = "*********(redacted)";

  private final SparkConf conf;
  private final EventLogFileWriter writer;
  private final boolean blockUpdates;
  private final Pattern secretNames;
  private boolean stopped;

  /** Called by Spark for {@code spark.extraListeners}, once the application has its id. */
  public RedactingEventLog(SparkConf conf) {
    this.conf = conf;
    this.blockUpdates = conf.getBoolean("spark.eventLog.logBlockUpdates.enabled", false);
    this.secretNames =
        Pattern.compile(
            conf.get("spark.redaction.regex", "(?i)secret|password|token|access[.]?key"));
    this.writer =
        EventLogFileWriter.apply(
            conf.getAppId(),
            conf.getOption("spark.app.attempt.id"),
            directory(conf.get("spark.eventLog.dir", DEFAULT_DIR)),
            conf,
            SparkHadoopUtil.get().newConfiguration(conf));
    writer.start();
    write(new SparkListenerLogStart(org.apache.spark.package$.MODULE$.SPARK_VERSION()), true);
  }

  private static URI directory(String dir) {
    String trimmed = dir.replaceAll("/+$", "");
    URI uri = URI.create(trimmed.replace(" ", "%20"));
    return uri.getScheme() != null ? uri : Path.of(trimmed).toAbsolutePath().toUri();
  }

  @Override
  public synchronized void onEvent(SparkListenerEvent event) {
    if (stopped
        || !event.logEvent()
        || event instanceof SparkListenerExecutorMetricsUpdate
        || (event instanceof SparkListenerBlockUpdated && !blockUpdates)) {
      return;
    }
    SparkListenerEvent masked = event;
    if (event instanceof SparkListenerEnvironmentUpdate env) {
      masked = EventLoggingListener$.MODULE$.redactEvent(conf, env);
    } else if (event instanceof SparkListenerJobStart job && job.properties() != null) {
      masked =
          new SparkListenerJobStart(
              job.jobId(), job.time(), job.stageInfos(), maskByName(job.properties()));
    }
    boolean taskEvent =
        event instanceof SparkListenerTaskStart
            || event instanceof SparkListenerTaskEnd
            || event instanceof SparkListenerTaskGettingResult;
    write(masked, !taskEvent);
    if (event instanceof SparkListenerApplicationEnd) {
      writer.stop();
      stopped = true;
    }
  }

  private Properties maskByName(Properties properties) {
    Properties out = new Properties();
    properties
        .stringPropertyNames()
        .forEach(
            k ->
                out.setProperty(
                    k, secretNames.matcher(k).find() ? MASKED : properties.getProperty(k)));
    return out;
  }

  private void write(SparkListenerEvent event, boolean flush) {
    writer.writeEvent(Redactor.global().redact(JsonProtocol.sparkEventToJsonString(event)), flush);
  }
}
