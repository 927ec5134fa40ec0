package dev.lakeforge.core.job;

import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.config.Config;
import java.io.PrintStream;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * What a job gets from the launcher: its config, session, run id and the stream for user-facing
 * output (plans, tables, summaries; logs go to the log).
 */
public final class JobContext {
  private final String jobName;
  private final String runId;
  private final Config config;
  private final Supplier<SparkSession> spark;
  private final PrintStream out;
  private final boolean dryRun;

  public JobContext(
      String jobName,
      String runId,
      Config config,
      Supplier<SparkSession> spark,
      PrintStream out,
      boolean dryRun) {
    this.jobName = jobName;
    this.runId = runId;
    this.config = config;
    this.spark = spark;
    this.out = out;
    this.dryRun = dryRun;
  }

  public String jobName() {
    return jobName;
  }

  public String runId() {
    return runId;
  }

  public Config config() {
    return config;
  }

  /** The session, created on first use. */
  public SparkSession spark() {
    if (spark == null) {
      throw new LakeforgeException(
          "job " + jobName + " declared needsSpark() = false but asked for a session");
    }
    return spark.get();
  }

  /**
   * Standard output for what the user asked to see; text printed here is redacted by the caller's
   * choice.
   */
  public PrintStream out() {
    return out;
  }

  /** Prints a line with every known secret masked. */
  public void print(String text) {
    out.println(config.redactor().redact(text));
  }

  public boolean dryRun() {
    return dryRun;
  }
}
