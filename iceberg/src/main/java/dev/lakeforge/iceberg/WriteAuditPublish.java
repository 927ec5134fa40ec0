package dev.lakeforge.iceberg;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.MetricsRepository;
import dev.lakeforge.quality.ResultKey;
import dev.lakeforge.quality.Suite;
import dev.lakeforge.quality.Verification;
import dev.lakeforge.quality.VerificationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Write-audit-publish with a quality gate, in one call: the new rows are appended to an audit
 * branch, the checks run on exactly those rows, and main is fast-forwarded to the branch only when
 * no Error-level check fails. Otherwise main is untouched and the branch is kept for inspection.
 * Readers of main never see unvalidated data. If main moves during the audit (a concurrent commit),
 * the write and audit are redone on the new main, up to {@link #maxAttempts}; then it fails
 * clearly, never publishing in part.
 *
 * <pre>{@code
 * WapResult r = LakeTable.of(spark, "lake.sales.orders").writeAuditPublish(newOrders)
 *     .auditWith(Check.error("orders").isComplete("order_id").isUnique("order_id"))
 *     .execute();
 * if (!r.published()) { log.warn("kept on branch {}", r.branch()); }
 * }</pre>
 */
public final class WriteAuditPublish {
  private static final Logger LOG = LogManager.getLogger(WriteAuditPublish.class);

  private final LakeTable table;
  private Dataset<Row> rows;
  private final List<Check> checks = new ArrayList<>();
  private final List<Suite> suites = new ArrayList<>();
  private MetricsRepository repository;
  private String branch;
  private int maxAttempts = 3;
  private boolean keepPublishedBranch;
  private Runnable beforePublish = () -> {};

  private WriteAuditPublish(LakeTable table) {
    this.table = Objects.requireNonNull(table, "table");
  }

  static WriteAuditPublish into(LakeTable table) {
    return new WriteAuditPublish(table);
  }

  /** The rows to append. */
  WriteAuditPublish append(Dataset<Row> newRows) {
    this.rows = Objects.requireNonNull(newRows, "rows");
    return this;
  }

  /** Checks the new rows must pass (Error level blocks the publish, Warning only reports). */
  public WriteAuditPublish auditWith(Check... more) {
    checks.addAll(List.of(more));
    return this;
  }

  /**
   * A suite file's checks, analyzers and anomaly checks, all run on the new rows. Anomaly checks
   * judge a metric against its history: they need {@link #metricsRepository}.
   */
  public WriteAuditPublish auditWith(Suite suite) {
    suites.add(Objects.requireNonNull(suite, "suite"));
    return this;
  }

  /**
   * Where the audit's metrics are kept: the history the anomaly checks judge the new rows against
   * (earlier runs tagged {@code dataset=<table>}), and where this run's metrics are saved once its
   * rows are published (rows that are not published do not become history).
   */
  public WriteAuditPublish metricsRepository(MetricsRepository repository) {
    this.repository = Objects.requireNonNull(repository, "repository");
    return this;
  }

  /** The audit branch's name (default {@code audit_<random>}). */
  public WriteAuditPublish branch(String name) {
    this.branch = name;
    return this;
  }

  /** How often to write and audit again when main moves during the audit (default 3). */
  public WriteAuditPublish maxAttempts(int attempts) {
    if (attempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + attempts);
    }
    this.maxAttempts = attempts;
    return this;
  }

  /** Keep the audit branch after a successful publish (default: drop it). */
  public WriteAuditPublish keepBranchAfterPublish() {
    this.keepPublishedBranch = true;
    return this;
  }

  /** Test hook: runs between the audit and the publish (to simulate a concurrent commit). */
  WriteAuditPublish beforePublish(Runnable hook) {
    this.beforePublish = hook;
    return this;
  }

  /**
   * Writes, audits and publishes.
   *
   * @throws LakeTableException when a suite does not fit the rows (a missing column, a predicate
   *     that does not analyse), a suite has anomaly checks but no repository was given, or main
   *     kept moving for every attempt
   */
  public WapResult execute() {
    for (Suite suite : suites) {
      if (!suite.anomalies().isEmpty() && repository == null) {
        throw new LakeTableException(
            ErrorKind.USAGE,
            "write-audit-publish into "
                + table.name()
                + ": "
                + suite
                + " has anomaly checks, which judge against the metric history: give the history with"
                + " metricsRepository(MetricsRepository.files(..)), or audit with a suite without anomalies");
      }
      List<String> problems = suite.problems(rows);
      if (!problems.isEmpty()) {
        throw new LakeTableException(
            ErrorKind.USAGE,
            "write-audit-publish into "
                + table.name()
                + ": "
                + suite
                + " does not fit the new rows:\n"
                + String.join("\n", problems));
      }
    }
    ResultKey key = ResultKey.now(table.name());
    String name = branch != null ? branch : "audit_" + UUID.randomUUID().toString().substring(0, 8);
    for (int attempt = 1; ; attempt++) {
      Table t = table.table();
      Snapshot base = t.currentSnapshot();
      if (t.refs().containsKey(name)) {
        t.manageSnapshots().removeBranch(name).commit();
        t.refresh();
      }
      if (base == null) {
        t.manageSnapshots().createBranch(name).commit();
      } else {
        t.manageSnapshots().createBranch(name, base.snapshotId()).commit();
      }
      try {
        rows.writeTo(table.name() + ".branch_" + name).append();
      } catch (Exception e) {
        throw new LakeTableException(
            "cannot write the new rows to branch "
                + name
                + " of "
                + table.name()
                + ": "
                + LakeforgeException.firstLine(e),
            e);
      }
      t.refresh();
      long head = t.refs().get(name).snapshotId();
      Dataset<Row> written =
          base == null
              ? table.spark().read().option("branch", name).table(table.name())
              : table
                  .spark()
                  .read()
                  .format("iceberg")
                  .option("start-snapshot-id", base.snapshotId())
                  .option("end-snapshot-id", head)
                  .load(table.name());
      VerificationResult audit = audit(written, key).run();
      if (audit.hasErrors()) {
        LOG.warn(
            "audit of {} rows on {} failed; main is untouched, the rows stay on branch {}",
            table.name(),
            name,
            name);
        return new WapResult(
            false,
            name,
            audit,
            head,
            attempt,
            "audit failed: main is untouched; the rows stay on branch " + name);
      }
      beforePublish.run();
      t.refresh();
      Snapshot mainNow = t.currentSnapshot();
      boolean mainMoved =
          !Objects.equals(
              base == null ? null : base.snapshotId(),
              mainNow == null ? null : mainNow.snapshotId());
      try {
        if (mainMoved && !SnapshotUtil.isAncestorOf(t, head, mainNow.snapshotId())) {
          throw new ValidationException(
              "main moved from %s to %s during the audit",
              base == null ? "none" : base.snapshotId(), mainNow.snapshotId());
        }
        t.manageSnapshots().fastForwardBranch("main", name).commit();
      } catch (ValidationException | CommitFailedException e) {
        if (attempt >= maxAttempts) {
          throw new LakeTableException.TableChanged(
              "write-audit-publish into "
                  + table.name()
                  + " gave up after "
                  + attempt
                  + " attempt(s): main kept moving during the audit ("
                  + LakeforgeException.firstLine(e)
                  + "); main holds none of"
                  + " the new rows; the last audited rows stay on branch "
                  + name,
              e);
        }
        LOG.warn(
            "main of {} moved during the audit ({}); writing and auditing again ({} of {})",
            table.name(),
            LakeforgeException.firstLine(e),
            attempt + 1,
            maxAttempts);
        continue;
      }
      if (!keepPublishedBranch) {
        table.table().manageSnapshots().removeBranch(name).commit();
      }
      table.refresh();
      if (repository != null) {
        repository.save(key, audit.metrics());
      }
      return new WapResult(
          true, name, audit, head, attempt, "published snapshot " + head + " to main");
    }
  }

  /**
   * The verification of the written rows: the checks, and every suite's checks, analyzers and
   * anomaly checks.
   */
  private Verification audit(Dataset<Row> written, ResultKey key) {
    Verification v = Verification.onData(written).addChecks(checks);
    for (Suite suite : suites) {
      v.addChecks(suite.checks()).addAnalyzers(suite.analyzers());
      suite
          .anomalies()
          .forEach(a -> v.addAnomalyCheck(a.strategy(), a.analyzer(), null, a.level()));
    }
    if (repository != null) {
      v.compareWith(repository, key);
    }
    return v;
  }
}
