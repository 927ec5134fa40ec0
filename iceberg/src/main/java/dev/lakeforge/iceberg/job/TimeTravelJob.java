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
import dev.lakeforge.iceberg.LakeTableException;
import dev.lakeforge.iceberg.SnapshotInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.iceberg.SnapshotRef;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Option;

/** Prints a table's history, a diff of two snapshots, and exports a snapshot. */
public final class TimeTravelJob implements SparkJob {
  @Option(
      names = "--table",
      required = true,
      paramLabel = "TABLE",
      description = "catalog.namespace.table")
  String table;

  @Option(
      names = "--diff",
      paramLabel = "FROM:TO",
      description =
          "Print the rows added and removed between two snapshots (ids, tags or branches).")
  String diff;

  @Option(
      names = "--export",
      paramLabel = "SNAPSHOT",
      description = "Export this snapshot's rows (an id, tag or branch; with --to).")
  String export;

  @Option(names = "--to", paramLabel = "PATH", description = "Where --export writes.")
  Location to;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "parquet",
      description = "Export format (default parquet).")
  String format;

  @Option(
      names = "--show",
      paramLabel = "N",
      defaultValue = "20",
      description = "Diff rows printed (default 20).")
  int show;

  private String diffFrom;
  private String diffTo;

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
      if (p.length != 2 || p[0].isBlank() || p[1].isBlank()) {
        throw new ConfigException(
            "--diff "
                + diff
                + ": expected FROM:TO, two snapshot ids, tags or branches,"
                + " e.g. --diff 123:456 or --diff first_load:main");
      }
      diffFrom = p[0].trim();
      diffTo = p[1].trim();
    }
    if ((export == null) != (to == null)) {
      throw new ConfigException("--export SNAPSHOT and --to PATH go together");
    }
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    LakeTable t = LakeTable.of(ctx.spark(), table);
    JobPlan.Builder plan =
        JobPlan.of("time travel on " + table)
            .step("print the history (" + t.history().size() + " snapshots)");
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

  private static void check(LakeTable t, String ref, JobPlan.Builder plan) {
    try {
      snapshot(t, ref);
    } catch (LakeTableException e) {
      plan.problem(e.getMessage());
    }
  }

  /** The snapshot an id, a tag or a branch names. */
  private static long snapshot(LakeTable t, String ref) {
    if (ref.matches("-?\\d+")) {
      long id = Long.parseLong(ref);
      if (t.table().snapshot(id) == null) {
        throw new LakeTableException.NoSuchSnapshot(
            "snapshot " + id + " of " + t.name() + " does not exist (expired or never committed)");
      }
      return id;
    }
    SnapshotRef r = t.table().refs().get(ref);
    if (r == null) {
      throw new LakeTableException.NoSuchRef(
          "'"
              + ref
              + "' is no snapshot id, tag or branch of "
              + t.name()
              + "; its tags and branches: "
              + String.join(", ", new TreeSet<>(t.table().refs().keySet())));
    }
    return r.snapshotId();
  }

  @Override
  public JobOutcome run(JobContext ctx) {
    LakeTable t = LakeTable.of(ctx.spark(), table);
    List<SnapshotInfo> history = t.history();
    List<List<String>> rows = new ArrayList<>();
    for (SnapshotInfo s : history) {
      rows.add(
          List.of(
              Long.toString(s.snapshotId()),
              s.parentId() == null ? "" : s.parentId().toString(),
              s.committedAt().toString(),
              String.valueOf(s.operation()),
              "+" + s.addedRecords(),
              "-" + s.deletedRecords(),
              "+" + s.addedFiles() + "/-" + s.deletedFiles(),
              Long.toString(s.totalRecords())));
    }
    ctx.print("History of " + table + " (newest first):");
    ctx.print(
        TextTable.render(
                List.of(
                    "snapshot",
                    "parent",
                    "committed at",
                    "operation",
                    "added",
                    "deleted",
                    "files",
                    "total"),
                rows)
            .stripTrailing());
    String summary = history.size() + " snapshot(s)";
    if (diff != null) {
      Dataset<Row> d = t.diff(snapshot(t, diffFrom), snapshot(t, diffTo)).persist();
      try {
        long added = d.where("_change = 'added'").count();
        long removed = d.where("_change = 'removed'").count();
        ctx.print(
            "Diff "
                + diffFrom
                + " -> "
                + diffTo
                + ": "
                + added
                + " row(s) added, "
                + removed
                + " removed");
        ctx.print(TextTable.renderRows(d.columns(), d.limit(show).collectAsList()).stripTrailing());
        summary += "; diff +" + added + "/-" + removed;
      } finally {
        d.unpersist();
      }
    }
    if (export != null) {
      t.exportSnapshot(snapshot(t, export), to.uri(), format);
      ctx.print("Exported snapshot " + export + " to " + to + " as " + format);
      summary += "; exported " + export;
    }
    return JobOutcome.success(summary)
        .withDetails(Map.of("table", table, "snapshots", history.size()));
  }
}
