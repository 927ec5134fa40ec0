package dev.lakeforge.iceberg.job;

import dev.lakeforge.core.Location;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.core.config.Secret;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.SparkJob;
import dev.lakeforge.iceberg.Nessie;
import dev.lakeforge.iceberg.Restore;
import java.io.IOException;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Verifies a backup and restores it as a table (reporting the RTO), or imports an exported Nessie
 * branch state as a new branch. {@code --dry-run} only verifies.
 *
 * <pre>{@code
 * lakeforge restore --from s3a://dr-bucket/orders --as pg.sales.orders_restored
 * lakeforge restore --nessie-uri http://nessie:19120/api/v2 --from /backups/nessie-main.json --branch restored
 * }</pre>
 */
public final class RestoreJob implements SparkJob {
  @Option(
      names = "--from",
      required = true,
      paramLabel = "LOCATION",
      description = "The backup (a file for Nessie).")
  Location from;

  @Option(
      names = "--as",
      paramLabel = "TABLE",
      description = "The table to restore as (catalog.namespace.table).")
  String as;

  @Option(
      names = "--nessie-uri",
      paramLabel = "URI",
      description = "Import a Nessie branch state instead.")
  String nessieUri;

  @Option(
      names = "--branch",
      paramLabel = "BRANCH",
      description = "The new Nessie branch to import into.")
  String branch;

  /** The {@code restore:} section. @param nessieToken bearer token for the Nessie server */
  public record Settings(Secret nessieToken) {}

  private Secret token;

  @Override
  public String name() {
    return "restore";
  }

  @Override
  public String description() {
    return "Verifies a backup (sizes and checksums) and restores it as a table, or imports a Nessie branch state.";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return Settings.class;
  }

  @Override
  public void configure(Config config) {
    if (nessieUri == null && as == null) {
      throw new ConfigException("restore: give --as TABLE (or --nessie-uri with --branch)");
    }
    if (nessieUri != null && branch == null) {
      throw new ConfigException("restore: --nessie-uri needs --branch NEW_BRANCH");
    }
    token = config.bind(name(), Settings.class).nessieToken();
  }

  @Override
  public boolean needsSpark() {
    return nessieUri == null;
  }

  @Override
  public JobPlan plan(JobContext ctx) throws RuntimeException {
    if (nessieUri != null) {
      try {
        Nessie.BranchState s = Nessie.BranchState.read(from.toPath());
        return JobPlan.of("import Nessie state of " + s.branch() + " as branch " + branch)
            .step(s.contents().size() + " namespaces and tables, exported at " + s.exportedAt())
            .build();
      } catch (IOException e) {
        return JobPlan.of("import Nessie state")
            .problem("cannot read " + from + ": " + e.getMessage())
            .build();
      }
    }
    Restore restore = Restore.from(ctx.spark(), from);
    restore.checkTarget(as, false);
    Restore.Report r = restore.verify();
    JobPlan.Builder plan =
        JobPlan.of("restore " + from + " as " + as)
            .step(
                "backup of "
                    + r.manifest().table()
                    + " snapshot "
                    + r.manifest().snapshotId()
                    + ", "
                    + r.manifest().records()
                    + " records; "
                    + r.checkedFiles()
                    + " of "
                    + r.manifest().files().size()
                    + " file(s) verified");
    r.problems().forEach(plan::problem);
    if (r.problems().isEmpty()) {
      restore
          .movedFrom()
          .ifPresent(
              old ->
                  plan.step(
                      "the backup was written at "
                          + old
                          + "; its metadata will be"
                          + " rewritten for "
                          + from
                          + " before the table is registered"));
    }
    return plan.build();
  }

  @Override
  public JobOutcome run(JobContext ctx) throws Exception {
    if (nessieUri != null) {
      try (Nessie n = Nessie.connect(nessieUri, token)) {
        Nessie.BranchState s = Nessie.BranchState.read(from.toPath());
        n.importState(s, branch);
        ctx.print(
            "Imported "
                + s.contents().size()
                + " namespaces and tables of "
                + s.branch()
                + " as branch "
                + branch);
        return JobOutcome.success("imported as " + branch);
      }
    }
    Restore.Report r = Restore.from(ctx.spark(), from).asTable(as);
    ctx.print(
        "Restored "
            + as
            + " from "
            + from
            + ": "
            + r.rows()
            + " rows, "
            + r.checkedFiles()
            + " file(s) verified,"
            + " RTO "
            + r.rto().toMillis()
            + " ms");
    return JobOutcome.success("restored " + as)
        .withDetails(Map.of("rows", r.rows(), "rtoMillis", r.rto().toMillis()));
  }
}
