package dev.lakeforge.iceberg.job;

import dev.lakeforge.core.Location;
import dev.lakeforge.core.Units;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.core.config.Secret;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.SparkJob;
import dev.lakeforge.iceberg.Backup;
import dev.lakeforge.iceberg.LakeTable;
import dev.lakeforge.iceberg.Nessie;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Backs up a table (incrementally) to another location, or exports a Nessie branch's state.
 *
 * <pre>{@code
 * lakeforge backup --table pg.sales.orders --to s3a://dr-bucket/orders
 * lakeforge backup --nessie-uri http://nessie:19120/api/v2 --branch main --to /backups/nessie-main.json
 * }</pre>
 */
public final class BackupJob implements SparkJob {
  @Option(names = "--table", paramLabel = "TABLE", description = "The table to back up.")
  String table;

  @Option(
      names = "--nessie-uri",
      paramLabel = "URI",
      description = "Export a Nessie branch's state instead.")
  String nessieUri;

  @Option(
      names = "--branch",
      paramLabel = "BRANCH",
      description = "The Nessie branch to export (default main).")
  String branch = "main";

  @Option(
      names = "--to",
      required = true,
      paramLabel = "LOCATION",
      description = "Backup location (a file for Nessie).")
  Location to;

  /** The {@code backup:} section. @param nessieToken bearer token for the Nessie server */
  public record Settings(Secret nessieToken) {}

  private Secret token;

  @Override
  public String name() {
    return "backup";
  }

  @Override
  public String description() {
    return "Backs up an Iceberg table incrementally (metadata and data) or exports a Nessie branch's state.";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return Settings.class;
  }

  @Override
  public void configure(Config config) {
    if ((table == null) == (nessieUri == null)) {
      throw new ConfigException("backup: give either --table or --nessie-uri (with --branch)");
    }
    token = config.bind(name(), Settings.class).nessieToken();
  }

  @Override
  public boolean needsSpark() {
    return table != null;
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    if (table != null) {
      LakeTable t = LakeTable.of(ctx.spark(), table);
      return JobPlan.of("back up " + table + " to " + to)
          .step(
              "snapshot "
                  + (t.current() == null ? "none" : t.current().snapshotId())
                  + " with "
                  + (t.current() == null ? 0 : t.current().totalRecords())
                  + " records; only files not in the backup are copied")
          .build();
    }
    try (Nessie n = Nessie.connect(nessieUri, token)) {
      return JobPlan.of("export Nessie branch " + branch + " to " + to)
          .step(n.export(branch).contents().size() + " namespaces and tables")
          .build();
    }
  }

  @Override
  public JobOutcome run(JobContext ctx) throws Exception {
    if (table != null) {
      Backup.BackupResult r = LakeTable.of(ctx.spark(), table).backupTo(to).execute();
      ctx.print(
          "Backed up "
              + table
              + " snapshot "
              + r.manifest().snapshotId()
              + " ("
              + r.manifest().records()
              + " records) to "
              + to
              + ": copied "
              + r.copiedFiles()
              + " file(s), "
              + Units.human(r.copiedBytes())
              + "; "
              + r.skippedFiles()
              + " already there");
      return JobOutcome.success("backed up " + table)
          .withDetails(
              Map.of(
                  "copiedFiles",
                  r.copiedFiles(),
                  "copiedBytes",
                  r.copiedBytes(),
                  "snapshot",
                  r.manifest().snapshotId()));
    }
    try (Nessie n = Nessie.connect(nessieUri, token)) {
      Nessie.BranchState state = n.export(branch);
      state.write(to.toPath());
      ctx.print(
          "Exported Nessie branch "
              + branch
              + " at "
              + state.hash()
              + " ("
              + state.contents().size()
              + " namespaces and tables) to "
              + to);
      return JobOutcome.success("exported " + branch);
    }
  }
}
