package dev.lakeforge.iceberg.job;

import static dev.lakeforge.core.config.SettingException.require;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.Location;
import dev.lakeforge.core.SparkErrors;
import dev.lakeforge.core.Units;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.core.config.Secret;
import dev.lakeforge.core.config.SettingException;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobFailure;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.SparkJob;
import dev.lakeforge.iceberg.Backup;
import dev.lakeforge.iceberg.BackupPolicy;
import dev.lakeforge.iceberg.LakeTable;
import dev.lakeforge.iceberg.Nessie;
import dev.lakeforge.iceberg.SnapshotInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine.Option;

/**
 * Backs up a table (incrementally) to another location, exports a Nessie branch's state, or, with
 * neither option, runs the {@code backup.policy} of the config: a verified generation per table,
 * with retention, RPO and RTO (see {@link BackupPolicy}).
 *
 * <pre>{@code
 * lakeforge backup --table pg.sales.orders --to s3a://dr-bucket/orders
 * lakeforge backup --nessie-uri http://nessie:19120/api/v2 --branch main --to /backups/nessie-main.json
 * lakeforge backup --config backup.yaml          # the policy; --emit-k8s cronjob runs it on a schedule
 * }</pre>
 */
public final class BackupJob implements SparkJob {
  private static final Logger LOG = LogManager.getLogger(BackupJob.class);

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
      paramLabel = "LOCATION",
      description = "Backup location (a file for Nessie).")
  Location to;

  /**
   * The {@code backup:} section.
   *
   * @param nessieToken bearer token for the Nessie server
   * @param policy the backups the job makes when run without --table or --nessie-uri
   */
  public record Settings(Secret nessieToken, Policy policy) {}

  /**
   * A backup policy: run it on a schedule ({@code spark.kubernetes.schedule} with {@code --emit-k8s
   * cronjob} or {@code scheduled}).
   *
   * <pre>{@code
   * backup:
   *   policy:
   *     to: s3a://dr-bucket/backups     # one folder per table, one generation per run
   *     tables: [lake.sales.orders, lake.sales.customers]
   *     keep: 7                         # verified generations kept per table
   *     rto: 30m                        # exit 3 when a verification restore takes longer
   *     unverifiedGrace: 12h            # an unverified backup this young is a run still going
   * }</pre>
   *
   * @param to the root of the backups (relative to the config's folder)
   * @param tables the tables to back up
   * @param keep verified generations kept per table (default 7)
   * @param rto the longest acceptable restore time (optional)
   * @param unverifiedGrace how long an unverified generation is taken for a run still under way,
   *     which retention leaves alone (default 12h; longer than the slowest backup and verification;
   *     0 lets retention delete any unverified generation older than the newest verified one)
   */
  public record Policy(
      Location to, List<String> tables, Integer keep, String rto, String unverifiedGrace) {
    public Policy {
      require(to != null, "to", "is required: the folder or bucket the backups go to");
      require(tables != null && !tables.isEmpty(), "tables", "name at least one table");
      tables = List.copyOf(tables);
      require(tables.stream().distinct().count() == tables.size(), "tables", "names a table twice");
      keep = keep == null ? 7 : keep;
      require(keep >= 1, "keep", "must be at least 1, got " + keep);
      if (rto != null) {
        try {
          Units.duration(rto);
        } catch (IllegalArgumentException e) {
          throw new SettingException("rto", e.getMessage());
        }
      }
      if (unverifiedGrace != null) {
        Duration grace;
        try {
          grace = Units.duration(unverifiedGrace);
        } catch (IllegalArgumentException e) {
          throw new SettingException("unverifiedGrace", e.getMessage());
        }
        require(!grace.isNegative(), "unverifiedGrace", "must not be negative, got " + grace);
      }
    }

    /** The library's policy for these settings (its defaults where they give none). */
    BackupPolicy backups() {
      BackupPolicy p = BackupPolicy.to(to).keep(keep);
      return unverifiedGrace == null ? p : p.unverifiedGrace(Units.duration(unverifiedGrace));
    }
  }

  private Secret token;
  private Policy policy;

  @Override
  public String name() {
    return "backup";
  }

  @Override
  public String description() {
    return "Backs up an Iceberg table incrementally, runs a backup policy (verified generations, retention, RPO and RTO), or exports a Nessie branch's state.";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return Settings.class;
  }

  @Override
  public void configure(Config config) {
    if (table != null && nessieUri != null) {
      throw new ConfigException("backup: give either --table or --nessie-uri (with --branch)");
    }
    Settings settings = config.bind(name(), Settings.class);
    token = settings.nessieToken();
    if (table == null && nessieUri == null) {
      policy = settings.policy();
      if (policy == null) {
        throw new ConfigException(
            "backup: give --table or --nessie-uri (with --to), or a backup.policy in the config");
      }
      if (to != null) {
        throw new ConfigException(
            "backup: --to goes with --table or --nessie-uri; the policy's backups go to"
                + " backup.policy.to");
      }
    } else if (to == null) {
      throw new ConfigException("backup: give --to, the location of the backup");
    }
  }

  @Override
  public boolean needsSpark() {
    return nessieUri == null;
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    if (policy != null) {
      JobPlan.Builder plan =
          JobPlan.of(
              "back up "
                  + policy.tables().size()
                  + " table(s) to "
                  + policy.to()
                  + ", keeping "
                  + policy.keep()
                  + " verified backup(s) of each");
      BackupPolicy backups = policy.backups();
      for (String t : policy.tables()) {
        SnapshotInfo current = LakeTable.of(ctx.spark(), t).current();
        BackupPolicy.Plan p = backups.plan(ctx.spark(), t);
        plan.step(
            t
                + ": "
                + (current == null
                    ? "no snapshot to back up (the run fails for this table)"
                    : p.newBackup()
                        ? "a new backup of snapshot "
                            + current.snapshotId()
                            + ", restored into a scratch table and compared row for row"
                        : "no new backup: the newest verified one holds snapshot "
                            + current.snapshotId())
                + "; "
                + p.verified().size()
                + " verified backup(s) now; "
                + (p.deletions().isEmpty()
                    ? "none deleted"
                    : "deletes " + String.join(", ", p.deletions())));
      }
      return plan.build();
    }
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
    if (policy != null) {
      return runPolicy(ctx);
    }
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

  /**
   * A table's failure's kind: Lakeforge's own as thrown (a backup that fails verification is
   * internal, whatever broke it), else Spark's and the services' as classified.
   */
  private static ErrorKind kind(Exception e) {
    return e instanceof LakeforgeException l ? l.kind() : SparkErrors.kind(e);
  }

  private JobOutcome runPolicy(JobContext ctx) {
    BackupPolicy backups = policy.backups();
    Map<String, Object> details = new LinkedHashMap<>();
    List<String> failed = new ArrayList<>();
    Exception retryable = null; // the first failure a retry may mend, kept for its kind and trace
    List<String> slow = new ArrayList<>();
    Duration rtoObjective = policy.rto() == null ? null : Units.duration(policy.rto());
    for (String t : policy.tables()) {
      BackupPolicy.Result r;
      try {
        r = backups.run(ctx.spark(), t);
      } catch (Exception e) { // one table's failure does not keep the others from their backup
        String why = LakeforgeException.firstLine(e);
        LOG.error("{}", why);
        ctx.print(t + ": FAILED: " + why);
        failed.add(t);
        if (retryable == null && !kind(e).isUserError()) {
          retryable = e;
        }
        details.put(t + ".failed", why);
        try {
          // what the backups that are left still cover
          backups
              .rpo(ctx.spark(), t)
              .ifPresent(rpo -> details.put(t + ".rpoSeconds", rpo.toMillis() / 1000.0));
        } catch (RuntimeException noRpo) {
          LOG.debug("no RPO for {}", t, noRpo);
        }
        continue;
      }
      ctx.print(
          t
              + ": "
              + (r.generation() == null
                  ? "no commit since the newest verified backup"
                  : "backup " + r.generation() + " written and verified")
              + "; snapshot "
              + r.snapshotId()
              + " ("
              + r.rows()
              + " rows); RPO "
              + seconds(r.rpo())
              + ", RTO "
              + seconds(r.rto())
              + "; "
              + r.verified().size()
              + " verified backup(s) kept"
              + (r.deleted().isEmpty() ? "" : ", deleted " + String.join(", ", r.deleted())));
      details.put(t + ".generation", r.verified().get(r.verified().size() - 1));
      details.put(t + ".snapshot", r.snapshotId());
      details.put(t + ".rows", r.rows());
      details.put(t + ".rpoSeconds", r.rpo().toMillis() / 1000.0);
      details.put(t + ".rtoSeconds", r.rto().toMillis() / 1000.0);
      details.put(t + ".verifiedBackups", r.verified().size());
      details.put(t + ".deleted", r.deleted().size());
      if (rtoObjective != null && r.rto().compareTo(rtoObjective) > 0) {
        slow.add(t + " (" + seconds(r.rto()) + ")");
      }
    }
    if (!failed.isEmpty()) {
      // exit 1 when any failure may go away on a retry (with the kind of the first such: an outage
      // is UNAVAILABLE), 2 when each needs a fix of the input
      throw new JobFailure(
          retryable == null ? ErrorKind.USAGE : kind(retryable),
          "backup failed for "
              + String.join(", ", failed)
              + (slow.isEmpty() ? "" : "; RTO objective " + policy.rto() + " exceeded: " + slow)
              + " (their older verified backups are kept; see the lines above)",
          details,
          retryable);
    }
    if (!slow.isEmpty()) {
      String summary = "RTO objective " + policy.rto() + " exceeded: " + String.join(", ", slow);
      ctx.print(summary);
      return JobOutcome.qualityGateFailed(summary).withDetails(details);
    }
    return JobOutcome.success(
            "backed up and verified " + policy.tables().size() + " table(s) to " + policy.to())
        .withDetails(details);
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
