package dev.lakeforge.iceberg.job;

import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.core.config.SettingException;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.SparkJob;
import dev.lakeforge.iceberg.LakeTable;
import dev.lakeforge.iceberg.LakeTableException;
import dev.lakeforge.iceberg.Rollback;
import dev.lakeforge.iceberg.RollbackPlan;
import dev.lakeforge.iceberg.RollbackRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Rolls an Iceberg table back (plan printed first; {@code --dry-run} prints only the plan), or
 * undoes the last rollback.
 */
public final class RollbackJob implements SparkJob {
  @Option(
      names = "--table",
      required = true,
      paramLabel = "TABLE",
      description = "catalog.namespace.table")
  String table;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  static final class Target {
    @Option(names = "--to-snapshot", paramLabel = "ID", description = "Roll back to this snapshot.")
    Long snapshot;

    @Option(
        names = "--to-timestamp",
        paramLabel = "TIME",
        description = "Roll back to the table as of this ISO-8601 time.")
    String timestamp;

    @Option(
        names = "--to-tag",
        paramLabel = "TAG",
        description = "Roll back to the snapshot this tag points at.")
    String tag;

    @Option(names = "--undo", description = "Undo the last rollback.")
    boolean undo;
  }

  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      defaultValue = "",
      description = "Why (recorded in the table's rollback log).")
  String reason;

  @Option(names = "--by", paramLabel = "WHO", description = "Who (default: the OS user).")
  String by;

  @Option(
      names = "--undo-window-days",
      paramLabel = "DAYS",
      description =
          "How long the rollback can be undone; maintenance keeps what the undo needs until then (default 30).")
  Integer undoWindowDaysOption;

  /**
   * The {@code rollback:} section.
   *
   * @param undoWindowDays how long a rollback can be undone (default 30): until then table
   *     maintenance keeps the snapshot it rolled back from and that snapshot's files
   */
  public record Settings(Integer undoWindowDays) {
    public Settings {
      undoWindowDays =
          undoWindowDays == null ? (int) Rollback.DEFAULT_UNDO_WINDOW.toDays() : undoWindowDays;
      SettingException.require(
          undoWindowDays >= 0, "undoWindowDays", "must be 0 or more, got " + undoWindowDays);
    }
  }

  private Instant time;
  private Duration undoWindow;

  @Override
  public String name() {
    return "rollback";
  }

  @Override
  public String description() {
    return "Rolls an Iceberg table back to a snapshot, time or tag (or undoes the last rollback); prints the plan first.";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return Settings.class;
  }

  @Override
  public void configure(Config config) {
    int days =
        undoWindowDaysOption != null
            ? undoWindowDaysOption
            : config.bind(name(), Settings.class).undoWindowDays();
    if (days < 0) {
      throw new ConfigException("--undo-window-days must be 0 or more, got " + days);
    }
    undoWindow = Duration.ofDays(days);
    if (target.timestamp != null) {
      try {
        time = Instant.parse(target.timestamp);
      } catch (DateTimeParseException e) {
        throw new ConfigException(
            "--to-timestamp "
                + target.timestamp
                + ": expected an ISO-8601 instant such as"
                + " 2026-11-16T00:00:00Z");
      }
    }
    if (by == null) {
      by = System.getProperty("user.name", "unknown");
    }
  }

  private RollbackPlan plan(LakeTable t) {
    Rollback r = t.rollback().by(by).reason(reason).undoWindow(undoWindow);
    if (target.snapshot != null) {
      return r.toSnapshot(target.snapshot);
    }
    if (time != null) {
      return r.toTimestamp(time);
    }
    return r.toTag(target.tag);
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    LakeTable t = LakeTable.of(ctx.spark(), table);
    if (target.undo) {
      // The rollback an undo reverts, as the run finds it: the newest that is not an undo and not
      // undone.
      RollbackRecord last = null;
      for (RollbackRecord r : t.rollbackLog()) {
        last = r.undo() || r.undone() ? last : r;
      }
      JobPlan.Builder plan = JobPlan.of("undo the last rollback of " + table);
      return (last == null
              ? plan.problem("table " + table + " has no rollback to undo")
              : plan.step(
                  "undo the rollback of "
                      + last.at()
                      + " (back to snapshot "
                      + last.fromSnapshot()
                      + ")"))
          .build();
    }
    try {
      return JobPlan.of("roll back " + table).step(plan(t).describe().stripTrailing()).build();
    } catch (LakeTableException e) {
      return JobPlan.of("roll back " + table).problem(e.getMessage()).build();
    }
  }

  @Override
  public JobOutcome run(JobContext ctx) {
    LakeTable t = LakeTable.of(ctx.spark(), table);
    RollbackRecord record;
    if (target.undo) {
      record = t.undoLastRollback(by, reason);
      ctx.print(
          "Undid the rollback of "
              + table
              + ": snapshot "
              + record.toSnapshot()
              + " is current again");
    } else {
      RollbackPlan plan = plan(t);
      ctx.print(plan.describe().stripTrailing());
      record = plan.commit();
      ctx.print(
          "Rolled "
              + table
              + " back to snapshot "
              + record.toSnapshot()
              + " (recorded; undo with --undo until "
              + record.undoUntil()
              + ")");
    }
    return JobOutcome.success("current snapshot " + record.toSnapshot())
        .withDetails(
            Map.of("table", table, "from", record.fromSnapshot(), "to", record.toSnapshot()));
  }
}
