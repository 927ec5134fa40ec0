package dev.lakeforge.jobs.ml;

import static dev.lakeforge.core.config.SettingException.require;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.Location;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.SparkJob;
import dev.lakeforge.iceberg.LakeTable;
import dev.lakeforge.jobs.ml.ModelRegistry.Evaluation;
import dev.lakeforge.jobs.ml.ModelRegistry.Version;
import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.Verification;
import dev.lakeforge.quality.VerificationResult;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.classification.RandomForestClassificationModel;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/**
 * Retrains a purchase-propensity model ("does this customer buy tomorrow?") on the last days of
 * customer events, and keeps the registry's production model the best one that meets the bar:
 *
 * <ol>
 *   <li>the production model is evaluated on the new held-out data; if it falls below {@code
 *       minAccuracy} and the version in production before it scores better, that one is put back
 *       (rolled back);
 *   <li>a RandomForest is trained on the rest of the data and evaluated on the same held-out set;
 *   <li>it is registered, and promoted only if it reaches {@code minAccuracy} and is not worse than
 *       the production model on that set; otherwise it stays registered as rejected, with why.
 * </ol>
 *
 * <pre>{@code
 * bin/lakeforge retrain-model --config examples/retrain-model.yaml
 * bin/lakeforge retrain-model --config examples/retrain-model.yaml --evaluate-only
 * }</pre>
 */
public final class RetrainModelJob implements SparkJob {
  @Option(
      names = "--evaluate-only",
      description =
          "Evaluate the production model on the new data (and roll back if it degraded); train nothing.")
  boolean evaluateOnly;

  /**
   * The {@code retrain-model:} section.
   *
   * @param model the model's name in the registry (default {@code purchase-propensity})
   * @param source a table of customer events: customer_id, event_type, amount, event_at
   * @param days how many days of events, up to the newest, to learn from (default 14)
   * @param registry the Iceberg namespace of model_versions and model_evaluations (default {@code
   *     lake.ml})
   * @param modelDir where the model files go, one folder per version
   * @param minAccuracy the accuracy a model needs on held-out data to be in production (default
   *     0.85)
   * @param testFraction the share of customer-days held out (default 0.2)
   * @param seed for the split and the forest (default 42)
   * @param numTrees the forest's trees (default 40)
   * @param maxDepth the trees' depth (default 6)
   */
  public record Settings(
      String model,
      String source,
      Integer days,
      String registry,
      Location modelDir,
      Double minAccuracy,
      Double testFraction,
      Long seed,
      Integer numTrees,
      Integer maxDepth) {
    public Settings {
      model = model == null ? "purchase-propensity" : model;
      require(source != null, "source", "is required: a table of customer events");
      days = days == null ? 14 : days;
      registry = registry == null ? "lake.ml" : registry;
      require(modelDir != null, "modelDir", "is required: where the model files go");
      minAccuracy = minAccuracy == null ? 0.85 : minAccuracy;
      testFraction = testFraction == null ? 0.2 : testFraction;
      seed = seed == null ? 42L : seed;
      numTrees = numTrees == null ? 40 : numTrees;
      maxDepth = maxDepth == null ? 6 : maxDepth;
      require(days >= 2, "days", "must be at least 2: a day's label is the next day");
      require(
          minAccuracy > 0 && minAccuracy <= 1,
          "minAccuracy",
          "must be in (0, 1], got " + minAccuracy);
      require(
          testFraction > 0 && testFraction < 1,
          "testFraction",
          "must be in (0, 1), got " + testFraction);
      require(
          numTrees >= 1 && maxDepth >= 1, "numTrees", "numTrees and maxDepth must be at least 1");
      require(
          model.matches("[A-Za-z0-9_.-]+"),
          "model",
          "letters, digits, '.', '_' and '-' only, got " + model);
    }
  }

  private Settings settings;

  @Override
  public String name() {
    return "retrain-model";
  }

  @Override
  public String description() {
    return "Retrains a RandomForest on recent customer events, promotes it only if good enough and not worse, rolls back a degraded one.";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return Settings.class;
  }

  @Override
  public void configure(Config config) {
    settings = config.bind(name(), Settings.class);
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    JobPlan.Builder plan =
        JobPlan.of(
            (evaluateOnly ? "evaluate " : "retrain ")
                + settings.model()
                + " on the last "
                + settings.days()
                + " day(s) of "
                + settings.source());
    try {
      ctx.spark()
          .table(settings.source())
          .select("customer_id", "event_type", "amount", "event_at");
    } catch (Exception e) {
      plan.problem(
          settings.source()
              + " cannot be read as customer events (customer_id, event_type, amount, event_at): "
              + e.getMessage().lines().findFirst().orElse(""));
    }
    plan.step(
        "evaluate the production model on the held-out customer-days; roll back if below "
            + settings.minAccuracy()
            + " and the previous version does better");
    if (!evaluateOnly) {
      plan.step(
              "train a RandomForest ("
                  + settings.numTrees()
                  + " trees, depth "
                  + settings.maxDepth()
                  + "), register it in "
                  + settings.registry()
                  + ".model_versions, files in "
                  + settings.modelDir())
          .step(
              "promote it if its accuracy is at least "
                  + settings.minAccuracy()
                  + " and not below the production model's");
    }
    return plan.build();
  }

  @Override
  public JobOutcome run(JobContext ctx) throws Exception {
    SparkSession spark = ctx.spark();
    ModelRegistry registry = new ModelRegistry(spark, settings.registry(), settings.model());
    registry.create();
    Dataset<Row> events = spark.table(settings.source());
    Row newest = events.selectExpr("max(event_at)").first();
    if (newest.isNullAt(0)) {
      throw new LakeforgeException(
          ErrorKind.VALIDATION, settings.source() + " holds no events to learn from");
    }
    Instant end =
        newest.getTimestamp(0).toInstant().truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS);
    Timestamp to = Timestamp.from(end);
    Timestamp from = Timestamp.from(end.minus(settings.days(), ChronoUnit.DAYS));
    Dataset<Row> days = CustomerDays.of(spark, events, from, to).persist();
    VerificationResult gate = Verification.onData(days).addCheck(trainingCheck()).run();
    if (gate.hasErrors()) {
      ctx.print(gate.summary());
      return JobOutcome.qualityGateFailed(
          "retrain-model: the training data failed its quality gate; nothing was trained");
    }
    Dataset<Row>[] split =
        days.randomSplit(
            new double[] {1 - settings.testFraction(), settings.testFraction()}, settings.seed());
    Dataset<Row> train = split[0].persist();
    Dataset<Row> test = split[1].persist();
    long testRows = test.count();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("trainRows", train.count());
    details.put("testRows", testRows);
    ctx.print(
        String.format(
            Locale.ROOT,
            "%d customer-days from %s to %s: %d to train on, %d held out",
            (Long) details.get("trainRows") + testRows,
            from,
            to,
            details.get("trainRows"),
            testRows));

    // 1. the production model on the new data; roll back when it degraded
    Optional<Version> production = registry.production();
    Evaluation current = null;
    if (production.isPresent()) {
      current = evaluate(production.get().path(), test);
      registry.recordEvaluation(
          production.get().version(), ctx.runId(), "production check", current, testRows, from, to);
      ctx.print(
          "production v" + production.get().version() + " on the new held-out data: " + current);
      details.put("productionAccuracy", current.accuracy());
      if (current.accuracy() < settings.minAccuracy()) {
        Optional<Version> previous = registry.previous();
        Evaluation before = previous.isPresent() ? evaluate(previous.get().path(), test) : null;
        if (before != null) {
          registry.recordEvaluation(
              previous.get().version(), ctx.runId(), "rollback check", before, testRows, from, to);
        }
        if (before != null && before.accuracy() > current.accuracy()) {
          String why =
              String.format(
                  Locale.ROOT,
                  "rolled back to: v%d degraded to accuracy %.4f (below %.2f); v%d scores %.4f on the same data",
                  production.get().version(),
                  current.accuracy(),
                  settings.minAccuracy(),
                  previous.get().version(),
                  before.accuracy());
          registry.makeProduction(previous.get().version(), ModelRegistry.ROLLED_BACK, why);
          ctx.print(
              "ROLLED BACK: v"
                  + production.get().version()
                  + " -> v"
                  + previous.get().version()
                  + " ("
                  + why
                  + ")");
          details.put("rolledBackFrom", production.get().version());
          details.put("rolledBackTo", previous.get().version());
          production = registry.production();
          current = before;
        } else {
          ctx.print(
              "production v"
                  + production.get().version()
                  + " is below "
                  + settings.minAccuracy()
                  + ", and no earlier version does better: it stays");
        }
      }
    }
    if (evaluateOnly) {
      return JobOutcome.success(summary(production, details)).withDetails(details);
    }

    // 2. train, register, promote or reject
    int version = registry.nextVersion();
    RandomForestClassificationModel candidate =
        new RandomForestClassifier()
            .setNumTrees(settings.numTrees())
            .setMaxDepth(settings.maxDepth())
            .setSeed(settings.seed())
            .setLabelCol("label")
            .setFeaturesCol("features")
            .fit(train);
    String path = settings.modelDir().resolve(settings.model()).resolve("v" + version).uri();
    candidate.write().overwrite().save(path);
    Evaluation score = evaluate(candidate, test);
    ctx.print("candidate v" + version + ": " + score);
    String status;
    String reason;
    if (score.accuracy() < settings.minAccuracy()) {
      status = ModelRegistry.REJECTED;
      reason =
          String.format(
              Locale.ROOT,
              "accuracy %.4f is below the bar %.2f",
              score.accuracy(),
              settings.minAccuracy());
    } else if (current != null && score.accuracy() < current.accuracy()) {
      status = ModelRegistry.REJECTED;
      reason =
          String.format(
              Locale.ROOT,
              "accuracy %.4f is below production v%d's %.4f on the same data",
              score.accuracy(),
              production.get().version(),
              current.accuracy());
    } else {
      status = ModelRegistry.PRODUCTION;
      reason =
          String.format(
              Locale.ROOT,
              "accuracy %.4f meets the bar %.2f%s",
              score.accuracy(),
              settings.minAccuracy(),
              current == null
                  ? ""
                  : String.format(
                      Locale.ROOT,
                      " and is not below production v%d's %.4f",
                      production.get().version(),
                      current.accuracy()));
    }
    long snapshot = LakeTable.of(spark, settings.source()).current().snapshotId();
    ModelRegistry.Registration registration =
        new ModelRegistry.Registration(
            version,
            score.accuracy(),
            score.f1(),
            score.auc(),
            (Long) details.get("trainRows"),
            testRows,
            from,
            to,
            settings.source(),
            snapshot,
            String.format(
                Locale.ROOT,
                "{\"numTrees\": %d, \"maxDepth\": %d, \"seed\": %d, \"features\": %s}",
                settings.numTrees(),
                settings.maxDepth(),
                settings.seed(),
                CustomerDays.FEATURES.stream().map(f -> "\"" + f + "\"").toList()),
            path);
    if (status.equals(ModelRegistry.PRODUCTION) && production.isPresent()) {
      registry.register(registration, "candidate", reason);
      registry.makeProduction(version, ModelRegistry.RETIRED, reason);
    } else {
      registry.register(registration, status, reason);
    }
    registry.recordEvaluation(version, ctx.runId(), "candidate", score, testRows, from, to);
    ctx.print(
        (status.equals(ModelRegistry.PRODUCTION) ? "PROMOTED" : "REJECTED")
            + ": v"
            + version
            + " ("
            + reason
            + ")");
    details.put("version", version);
    details.put("accuracy", score.accuracy());
    details.put("status", status);
    return JobOutcome.success(summary(registry.production(), details))
        .withDetails(details)
        .withOutputs(List.of(path, registry.versions()));
  }

  private String summary(Optional<Version> production, Map<String, Object> details) {
    return "retrain-model "
        + settings.model()
        + ": "
        + (details.containsKey("version")
            ? "v" + details.get("version") + " " + details.get("status") + "; "
            : "")
        + "production is "
        + production.map(v -> "v" + v.version()).orElse("none");
  }

  private static Check trainingCheck() {
    return Check.error("training data")
        .hasSize(n -> n >= 50)
        .isComplete("label")
        .satisfies("label IN (0.0, 1.0)", "a label is 0 or 1", f -> f == 1)
        .isComplete("features");
  }

  private static Evaluation evaluate(String path, Dataset<Row> test) {
    return evaluate(RandomForestClassificationModel.load(path), test);
  }

  private static Evaluation evaluate(RandomForestClassificationModel model, Dataset<Row> test) {
    Dataset<Row> scored = model.transform(test);
    double accuracy =
        new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);
    double f1 = new MulticlassClassificationEvaluator().setMetricName("f1").evaluate(scored);
    double auc = new BinaryClassificationEvaluator().setMetricName("areaUnderROC").evaluate(scored);
    return new Evaluation(accuracy, f1, auc);
  }
}
