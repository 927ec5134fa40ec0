package dev.lakeforge.core.job;

import dev.lakeforge.core.config.Config;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A packaged job the launcher can run: {@code lakeforge <name> --config job.yaml [--dry-run]}.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} (list the class in {@code
 * META-INF/services/dev.lakeforge.core.job.SparkJob}); a fresh instance serves each launch. A job
 * may declare its own command-line options with picocli's {@code @Option} on its fields, and reads
 * its own config section (named like the job) in {@link #configure}.
 *
 * <pre>{@code
 * public final class CountJob implements SparkJob {
 *   @Option(names = "--table", required = true) String table;
 *   public String name() { return "count"; }
 *   public String description() { return "Counts the rows of a table."; }
 *   public JobPlan plan(JobContext ctx) { return JobPlan.of("count " + table).build(); }
 *   public JobOutcome run(JobContext ctx) {
 *     long n = ctx.spark().table(table).count();
 *     return JobOutcome.success(n + " rows");
 *   }
 * }
 * }</pre>
 */
public interface SparkJob {
  /** The command name, e.g. {@code sql}. */
  String name();

  /** One line for {@code lakeforge list} and {@code --help}. */
  String description();

  /**
   * Reads and checks this job's settings and options before any Spark work.
   *
   * @throws dev.lakeforge.core.config.ConfigException naming the key and what was expected
   */
  default void configure(Config config) {}

  /**
   * The record its config section binds to ({@code config.bind(name(), type)}), or null when the
   * job has no section. The configuration reference in the docs is generated from it.
   */
  default Class<? extends Record> settingsType() {
    return null;
  }

  /** Whether the job needs a SparkSession (a calculator does not). */
  default boolean needsSpark() {
    return true;
  }

  /**
   * The queries a run computes, named for a reader and unexecuted, for plan reports ({@code
   * gpu-plan --job}); empty (the default) when the job has none to show. Called after {@link
   * #configure}; may read the input's schema, never writes.
   */
  default Map<String, Dataset<Row>> queries(JobContext ctx) {
    return Map.of();
  }

  /** Resolves and validates what the job would do, for {@code --dry-run}. Must write nothing. */
  JobPlan plan(JobContext ctx);

  /**
   * Does the work. Throw to fail (exit code 1); return {@link JobOutcome#qualityGateFailed} for
   * exit code 3.
   */
  JobOutcome run(JobContext ctx) throws Exception;
}
