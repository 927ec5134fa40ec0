package dev.lakeforge.iceberg.job;

import dev.lakeforge.core.Location;
import dev.lakeforge.core.TextTable;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.SparkJob;
import dev.lakeforge.iceberg.LakeTable;
import dev.lakeforge.iceberg.SnapshotInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Option;

/** Prints a table's history, a diff of two snapshots, and exports a snapshot. */
public final class TimeTravelJob implements SparkJob {
  @Option(names = "--table", required = true, paramLabel = "TABLE", description = "catalog.namespace.table")
  String table;

  @Option(names = "--diff", paramLabel = "FROM:TO", description = "Print the rows added and removed between two snapshots.")
  String diff;

  @Option(names = "--export", paramLabel = "SNAPSHOT", description = "Export this snapshot's rows (with --to).")
  Long export;

  @Option(names = "--to", paramLabel = "PATH", description = "Where --export writes.")
  Location to;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "parquet", description = "Export format (default parquet).")
  String format;

  @Option(names = "--show", paramLabel = "N", defaultValue = "20", description = "Diff rows printed (default 20).")
  int show;

  private long diffFrom;
  private long diffTo;

  @Override
  public String name() {
    return "time-travel";
  }

  @Override
  public String description() {
    return "Prints an Iceberg table's history, diffs two snapshots, exports a snapshot.";
  }

  @Override
  public void configure(Config config) {
    if (diff != null) {
      String[] p = diff.split(":");
      try {
        if (p.length != 2) {
          throw new NumberFormatException();
        }
        diffFrom = Long.parseLong(p[0].trim());
        diffTo = Long.parseLong(p[1].trim());
      } catch (NumberFormatException e) {
        throw new ConfigException("--diff " + diff + ": expected FROM:TO, two snapshot ids, e.g. --diff 123:456");
      }
    }
    if ((export == null) != (to == null)) {
      throw new ConfigException("--export SNAPSHOT and --to PATH go together");
    }
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    LakeTable t = LakeTable.of(ctx.spark(), table);
    JobPlan.Builder plan = JobPlan.of("time travel on " + table).step("print the history (" + t.history().size() + " snapshots)");
    if (diff != null) {
      check(t, diffFrom, plan);
      check(t, diffTo, plan);
      plan.step("diff snapshot " + diffFrom + " to " + diffTo);
    }
    if (export != null) {
      check(t, export, plan);
      plan.step("export snapshot " + export + " as " + format + " to " + to);
    }
    return plan.build();
  }

  private static void check(LakeTable t, long id, JobPlan.Builder plan) {
    if (t.table().snapshot(id) == null) {
      plan.problem("snapshot " + id + " of " + t.name() + " does not exist (expired or never committed)");
    }
  }

  @Override
  public JobOutcome run(JobContext ctx) {
    LakeTable t = LakeTable.of(ctx.spark(), table);
    List<SnapshotInfo> history = t.history();
    List<List<String>> rows = new ArrayList<>();
    for (SnapshotInfo s : history) {
      rows.add(List.of(Long.toString(s.snapshotId()), s.parentId() == null ? "" : s.parentId().toString(),
          s.committedAt().toString(), String.valueOf(s.operation()), "+" + s.addedRecords(), "-" + s.deletedRecords(),
          "+" + s.addedFiles() + "/-" + s.deletedFiles(), Long.toString(s.totalRecords())));
    }
    ctx.print("History of " + table + " (newest first):");
    ctx.print(TextTable.render(List.of("snapshot", "parent", "committed at", "operation", "added", "deleted", "files",
        "total"), rows).stripTrailing());
    String summary = history.size() + " snapshot(s)";
    if (diff != null) {
      Dataset<Row> d = t.diff(diffFrom, diffTo).persist();
      try {
        long added = d.where("_change = 'added'").count();
        long removed = d.where("_change = 'removed'").count();
        ctx.print("Diff " + diffFrom + " -> " + diffTo + ": " + added + " row(s) added, " + removed + " removed");
        ctx.print(TextTable.renderRows(d.columns(), d.limit(show).collectAsList()).stripTrailing());
        summary += "; diff +" + added + "/-" + removed;
      } finally {
        d.unpersist();
      }
    }
    if (export != null) {
      t.exportSnapshot(export, to.uri(), format);
      ctx.print("Exported snapshot " + export + " to " + to + " as " + format);
      summary += "; exported " + export;
    }
    return JobOutcome.success(summary).withDetails(Map.of("table", table, "snapshots", history.size()));
  }
}
