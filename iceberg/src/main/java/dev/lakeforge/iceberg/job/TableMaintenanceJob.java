package dev.lakeforge.iceberg.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.SparkJob;
import dev.lakeforge.iceberg.LakeTable;
import dev.lakeforge.iceberg.MaintenancePolicy;
import dev.lakeforge.iceberg.MaintenanceReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Runs maintenance policies on tables: expire snapshots, remove orphan files, compact small files,
 * rewrite manifests. {@code --dry-run} lists what would be expired, removed and rewritten, with
 * counts and bytes.
 *
 * <pre>{@code
 * table-maintenance:
 *   tables: [lake.sales.orders, lake.sales.customers]
 *   default: {expireOlderThanDays: 7, retainLast: 5, orphanOlderThanHours: 72, targetFileSize: 128m}
 *   policies:
 *     lake.sales.orders: {retainLast: 20}
 * }</pre>
 */
public final class TableMaintenanceJob implements SparkJob {
  @Option(
      names = "--table",
      paramLabel = "TABLE",
      description = "Maintain only these tables (repeatable).")
  List<String> tableOptions = new ArrayList<>();

  /**
   * The {@code table-maintenance:} section.
   *
   * @param tables the tables to maintain
   * @param defaultPolicy the policy for every table (key {@code default})
   * @param policies per-table overrides of the default
   */
  public record Settings(
      List<String> tables,
      @JsonProperty("default") MaintenancePolicy defaultPolicy,
      Map<String, MaintenancePolicy.Overrides> policies) {
    public Settings {
      tables = tables == null ? List.of() : List.copyOf(tables);
      defaultPolicy = defaultPolicy == null ? MaintenancePolicy.defaults() : defaultPolicy;
      policies = policies == null ? Map.of() : Map.copyOf(policies);
    }
  }

  private final Map<String, MaintenancePolicy> work = new LinkedHashMap<>();

  @Override
  public String name() {
    return "table-maintenance";
  }

  @Override
  public String description() {
    return "Expires snapshots (keeping tags and branch heads), removes orphan files, compacts small files, rewrites manifests.";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return Settings.class;
  }

  @Override
  public void configure(Config config) {
    Settings s = config.bind(name(), Settings.class);
    List<String> tables = tableOptions.isEmpty() ? s.tables() : tableOptions;
    if (tables.isEmpty()) {
      throw new ConfigException(
          "table-maintenance: no tables: give --table or set table-maintenance.tables");
    }
    for (String key : s.policies().keySet()) {
      if (!tables.contains(key)) {
        throw config.errorAt(
            "table-maintenance.policies",
            "a policy for " + key + ", which is not among the tables " + tables);
      }
    }
    JsonNode written = config.bind("", JsonNode.class).path(name());
    for (String t : tables) {
      JsonNode override = written.path("policies").path(t);
      if (override.isMissingNode()) {
        work.put(t, s.defaultPolicy());
        continue;
      }
      // The table's keys over the default's, bound (and validated) like any policy, errors at the
      // table's key.
      ObjectNode merged =
          written.path("default").isObject()
              ? ((ObjectNode) written.get("default")).deepCopy()
              : JsonNodeFactory.instance.objectNode();
      merged.setAll((ObjectNode) override);
      work.put(
          t, config.bind(name() + ".policies[\"" + t + "\"]", merged, MaintenancePolicy.class));
    }
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    JobPlan.Builder plan = JobPlan.of("maintain " + work.size() + " table(s)");
    work.forEach(
        (t, p) ->
            plan.step(LakeTable.of(ctx.spark(), t).maintain(p).plan().describe().stripTrailing()));
    return plan.build();
  }

  @Override
  public JobOutcome run(JobContext ctx) {
    Map<String, Object> details = new LinkedHashMap<>();
    long expired = 0;
    for (Map.Entry<String, MaintenancePolicy> e : work.entrySet()) {
      MaintenanceReport r = LakeTable.of(ctx.spark(), e.getKey()).maintain(e.getValue()).execute();
      ctx.print(r.describe().stripTrailing());
      expired += r.expiredSnapshots().size();
      details.put(
          e.getKey(),
          Map.of(
              "expiredSnapshots",
              r.expiredSnapshots().size(),
              "orphanFiles",
              r.orphanFiles().size(),
              "rewrittenFiles",
              r.smallFiles(),
              "manifests",
              r.manifests()));
    }
    return JobOutcome.success(
            work.size() + " table(s) maintained, " + expired + " snapshot(s) expired")
        .withDetails(details);
  }
}
