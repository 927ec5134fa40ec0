package dev.lakeforge.quality;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.config.Redactor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Runs checks over a DataFrame with one shared analysis (constraints that need the same metric
 * compute it once), or annotates each row with the constraints it breaks and splits the data.
 *
 * <pre>{@code
 * VerificationResult r = Verification.onData(df).addCheck(orders).run();
 * Split s = Verification.onData(df).addCheck(orders).split();   // good rows / bad rows + reasons
 * s.quarantine("s3a://lake/quarantine/orders", "parquet");
 * }</pre>
 */
public final class Verification {
  /** The column holding, per row, the constraints the row breaks ({@code array<string>}). */
  public static final String REASONS = "_dq_reasons";

  /** Added to a row's reason when the constraint's predicate raised an error on the row. */
  public static final String RAISED = " (the predicate raised an error on this row)";

  private final Dataset<Row> data;
  private final List<Check> checks = new ArrayList<>();
  private final Set<Analyzer> required = new LinkedHashSet<>();
  private final List<AnomalyCheck> anomalyChecks = new ArrayList<>();
  private MetricsRepository repository;
  private ResultKey saveKey;
  private boolean save;

  /** An anomaly check waiting for the run: the metric's history comes from the repository. */
  private record AnomalyCheck(
      AnomalyStrategy strategy, Analyzer analyzer, MetricsQuery history, Check.Level level) {}

  private Verification(Dataset<Row> data) {
    this.data = Objects.requireNonNull(data, "data");
  }

  public static Verification onData(Dataset<Row> data) {
    return new Verification(data);
  }

  public Verification addCheck(Check check) {
    checks.add(Objects.requireNonNull(check, "check"));
    return this;
  }

  public Verification addChecks(Collection<Check> more) {
    more.forEach(this::addCheck);
    return this;
  }

  /** An analyzer computed and reported with the checks' metrics, though no constraint needs it. */
  public Verification addAnalyzer(Analyzer analyzer) {
    required.add(Objects.requireNonNull(analyzer, "analyzer"));
    return this;
  }

  public Verification addAnalyzers(Collection<? extends Analyzer> analyzers) {
    analyzers.forEach(this::addAnalyzer);
    return this;
  }

  /** The repository that anomaly checks read history from. */
  public Verification useRepository(MetricsRepository metricsRepository) {
    this.repository = Objects.requireNonNull(metricsRepository, "repository");
    return this;
  }

  /**
   * Saves this run's metrics under {@code key} after the run (and reads anomaly history from the
   * repository).
   */
  public Verification saveMetricsTo(MetricsRepository metricsRepository, ResultKey key) {
    compareWith(metricsRepository, key);
    this.save = true;
    return this;
  }

  /**
   * Reads anomaly history from the repository for the runs like {@code key} (the same tags,
   * earlier), without saving this run: for a caller that saves {@link VerificationResult#metrics()}
   * itself once everything else of its run is written.
   *
   * <pre>{@code
   * VerificationResult r = verification.compareWith(repository, key).run();
   * writeOutputs(r);
   * repository.save(key, r.metrics());
   * }</pre>
   */
  public Verification compareWith(MetricsRepository metricsRepository, ResultKey key) {
    this.repository = Objects.requireNonNull(metricsRepository, "repository");
    this.saveKey = Objects.requireNonNull(key, "key");
    return this;
  }

  /**
   * Compares this run's metric with its history in the repository; an anomaly fails a Warning
   * check. History: runs with the same tags as the save key (all runs when there is none).
   */
  public Verification addAnomalyCheck(AnomalyStrategy strategy, Analyzer analyzer) {
    return addAnomalyCheck(strategy, analyzer, null, Check.Level.WARNING);
  }

  /** An anomaly check with an explicit history query and level. */
  public Verification addAnomalyCheck(
      AnomalyStrategy strategy, Analyzer analyzer, MetricsQuery history, Check.Level level) {
    anomalyChecks.add(
        new AnomalyCheck(
            Objects.requireNonNull(strategy, "strategy"),
            Objects.requireNonNull(analyzer, "analyzer"),
            history,
            level));
    return this;
  }

  /**
   * The queries {@link #run} would run to compute the metrics, unexecuted (see {@link
   * Analysis#plans()}); {@link #annotate()} and {@link #split()} are the row-level ones.
   */
  public Map<String, Dataset<Row>> plans() {
    return analysis().plans();
  }

  private Analysis analysis() {
    Analysis analysis = Analysis.onData(data);
    checks.forEach(c -> c.constraints().forEach(k -> analysis.addAnalyzer(k.analyzer())));
    analysis.addAnalyzers(required);
    anomalyChecks.forEach(a -> analysis.addAnalyzer(a.analyzer()));
    return analysis;
  }

  /**
   * Computes every metric once, then judges each constraint and anomaly check; saves the metrics
   * when asked.
   */
  public VerificationResult run() {
    if (!anomalyChecks.isEmpty() && repository == null) {
      throw new QualityException(
          "anomaly checks need a metrics repository: call useRepository or saveMetricsTo");
    }
    AnalysisResult metrics = analysis().run();
    List<Check> all = new ArrayList<>(checks);
    for (AnomalyCheck a : anomalyChecks) {
      all.add(anomalyCheck(a, metrics));
    }
    VerificationResult result = judge(all, metrics);
    if (save) {
      repository.save(saveKey, metrics);
    }
    return result;
  }

  private Check anomalyCheck(AnomalyCheck a, AnalysisResult metrics) {
    MetricsQuery query =
        a.history() != null
            ? a.history()
            : saveKey != null
                ? new MetricsQuery(saveKey.tags(), Long.MIN_VALUE, saveKey.timestamp())
                : MetricsQuery.all();
    List<Double> values = new ArrayList<>();
    for (StoredRun run : repository.load(query)) {
      run.value(a.analyzer()).ifPresent(values::add);
    }
    Metric current = metrics.metric(a.analyzer());
    String strategyName = a.strategy().getClass().getSimpleName();
    String failure = null;
    if (current.isSuccess()) {
      values.add(current.value());
      double[] series = values.stream().mapToDouble(Double::doubleValue).toArray();
      try {
        List<Anomaly> found = a.strategy().detect(series, series.length - 1, series.length);
        if (!found.isEmpty()) {
          failure = found.get(0).detail() + " (history of " + (series.length - 1) + " run(s))";
        }
      } catch (QualityException e) {
        failure = e.getMessage();
      }
    }
    String why = failure;
    return Check.anomaly(
        a.level(),
        "anomaly detection for " + a.analyzer().describe(),
        new Constraint(
            strategyName + "(" + a.analyzer().describe() + ")",
            a.analyzer(),
            m -> why == null,
            Metric::value,
            "no anomaly by " + strategyName,
            why,
            null));
  }

  private static VerificationResult judge(List<Check> checks, AnalysisResult metrics) {
    List<CheckResult> results = new ArrayList<>();
    CheckStatus overall = CheckStatus.SUCCESS;
    for (Check check : checks) {
      List<ConstraintResult> constraintResults = new ArrayList<>();
      boolean allPassed = true;
      for (Constraint k : check.constraints()) {
        ConstraintResult r = k.evaluate(metrics.metric(k.analyzer()));
        allPassed &= r.passed();
        constraintResults.add(r);
      }
      CheckStatus status =
          allPassed
              ? CheckStatus.SUCCESS
              : check.level() == Check.Level.ERROR ? CheckStatus.ERROR : CheckStatus.WARNING;
      overall = overall.worst(status);
      results.add(new CheckResult(check, status, constraintResults));
    }
    return new VerificationResult(overall, results, metrics);
  }

  /**
   * The data with {@value #REASONS}: for each row, {@code "<check>: <constraint>"} for every
   * row-level constraint it breaks (empty when it breaks none). Constraints that cannot be judged
   * per row (means, entropy, ...) are left out. A row on which a predicate raises an error (ANSI
   * mode: a division by zero, an invalid cast) breaks it, with {@value #RAISED} added to the
   * reason. Lazy: nothing runs until the result is used.
   */
  public Dataset<Row> annotate() {
    // Rules with a predicate are analysed with Spark's non-ANSI rules, so a predicate that cannot
    // be
    // computed for a row is null there (that row breaks it) instead of failing the whole write. The
    // data keeps its own rules: its plan was analysed before. Other rules cannot raise: no detour.
    boolean predicates =
        checks.stream()
            .flatMap(c -> c.constraints().stream())
            .anyMatch(k -> k.isRowLevel() && k.analyzer() instanceof Compliance);
    UnaryOperator<Dataset<Row>> build =
        same -> {
          // Each rule is evaluated once per row, into a flag column of its own: the reasons and the
          // test for "breaks any" read the flags. (Spark keeps the two projections apart because
          // each flag is read twice and is not cheap to compute again.)
          String prefix = unusedPrefix(same.columns());
          Map<String, Column> flags = new LinkedHashMap<>();
          List<Column> reasons = new ArrayList<>();
          Column empty = array().cast("array<string>");
          Column anyBroken = lit(false);
          for (Check check : checks) {
            for (Constraint k : check.constraints()) {
              if (k.rowFailure().isPresent()) {
                String flag = prefix + flags.size();
                flags.put(flag, k.rowFailure().get());
                Column broken = col(flag);
                String reason = reason(check, k);
                Column why = array(lit(reason));
                if (k.analyzer() instanceof Compliance c) {
                  // A row on which the predicate raised also breaks it: asked of broken rows only.
                  Column raised =
                      RowRules.scoped(c.filter(), Engine.raised(c.predicate(), same.schema()));
                  why = when(raised, array(lit(reason + RAISED))).otherwise(why);
                }
                reasons.add(when(broken, why).otherwise(empty));
                anyBroken = anyBroken.or(broken);
              }
            }
          }
          if (reasons.isEmpty()) {
            return same.withColumn(REASONS, empty);
          }
          // Most rows break nothing: they get the empty array without concatenating any. (A
          // concatenation of constant arrays compiles to code; filtering nulls out of an array
          // would take a lambda, which Spark interprets row by row.)
          Column column = when(anyBroken, concat(reasons.toArray(Column[]::new))).otherwise(empty);
          return same.withColumns(flags)
              .withColumn(REASONS, column)
              .drop(flags.keySet().toArray(String[]::new));
        };
    return predicates ? Engine.lenientPlan(data, build) : build.apply(data);
  }

  /** A column-name prefix no column of the data starts with (case aside), for hidden columns. */
  private static String unusedPrefix(String[] columns) {
    String prefix = "_dq_rule_";
    while (startsWith(columns, prefix)) {
      prefix = "_" + prefix;
    }
    return prefix;
  }

  private static boolean startsWith(String[] columns, String prefix) {
    for (String c : columns) {
      if (c.regionMatches(true, 0, prefix, 0, prefix.length())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The reason {@link #annotate} gives a row that breaks {@code constraint} of {@code check},
   * {@code "<check>: <constraint>"}, redacted (with {@link #RAISED} added when its predicate
   * raised).
   *
   * <pre>{@code
   * boolean broke = reasons.contains(Verification.reason(orders, constraint));
   * }</pre>
   */
  public static String reason(Check check, Constraint constraint) {
    return Redactor.global().redact(check.description() + ": " + constraint.name());
  }

  /** Good rows and bad rows (with their reasons), from one annotation of the data. */
  public Split split() {
    return new Split(annotate());
  }

  /** The row-level constraints, as {@code "<check>: <constraint>"}. */
  public List<String> rowLevelConstraints() {
    List<String> out = new ArrayList<>();
    checks.forEach(
        c ->
            c.constraints().stream()
                .filter(Constraint::isRowLevel)
                .forEach(k -> out.add(c.description() + ": " + k.name())));
    return out;
  }
}
