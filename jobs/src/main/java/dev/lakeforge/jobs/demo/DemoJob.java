package dev.lakeforge.jobs.demo;

import static dev.lakeforge.core.config.SettingException.require;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.sum;

import dev.lakeforge.core.Location;
import dev.lakeforge.core.TextTable;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.SparkJob;
import dev.lakeforge.iceberg.LakeTable;
import dev.lakeforge.iceberg.RollbackPlan;
import dev.lakeforge.iceberg.SnapshotInfo;
import dev.lakeforge.jobs.CatalogNamespace;
import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.ColumnProfiler;
import dev.lakeforge.quality.HtmlReport;
import dev.lakeforge.quality.Profile;
import dev.lakeforge.quality.Split;
import dev.lakeforge.quality.Suggestions;
import dev.lakeforge.quality.Verification;
import dev.lakeforge.quality.VerificationResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What Lakeforge is, in one run on the embedded default: generates a shop's orders and customer
 * events with planted defects, lands them raw, validates them with a quality gate that quarantines
 * bad rows with their reasons, loads the validated tables, shows time travel and the rollback of a
 * bad load, builds analytics tables, profiles the events and suggests a suite, and writes the HTML
 * quality report. It prints a tour of what it did and the commands to try next.
 *
 * <pre>{@code
 * bin/lakeforge demo                          # tables in lake.demo, files in .lakeforge/demo
 * bin/lakeforge demo --set demo.orders=200000
 * }</pre>
 */
public final class DemoJob implements SparkJob {
  /**
   * The {@code demo:} section.
   *
   * @param orders how many orders to generate (default 20000)
   * @param events how many customer events to generate (default 100000)
   * @param customers how many customers place them (default 2000)
   * @param namespace where the tables go (default {@code lake.demo}); its tables are replaced
   * @param output the folder for the report, the suggested suite and the quarantine summary
   *     (default {@code .lakeforge/demo})
   */
  public record Settings(
      Long orders, Long events, Integer customers, String namespace, Location output) {
    public Settings {
      orders = orders == null ? 20_000L : orders;
      events = events == null ? 100_000L : events;
      customers = customers == null ? 2_000 : customers;
      namespace = namespace == null ? "lake.demo" : namespace;
      output = output == null ? Location.of(".lakeforge/demo") : output;
      require(orders >= 1_000, "orders", "must be at least 1000, so that every defect is planted");
      require(events >= 1_000, "events", "must be at least 1000, so that every defect is planted");
      require(customers >= 10, "customers", "must be at least 10");
      CatalogNamespace.require("namespace", namespace, "lake.demo");
      require(output.isLocal(), "output", "must be a local folder, got " + output);
    }
  }

  static final List<String> TABLES =
      List.of(
          "raw_orders",
          "raw_events",
          "orders",
          "orders_quarantine",
          "events",
          "events_quarantine",
          "daily_revenue",
          "customer_summary");

  private Settings settings;

  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String description() {
    return "Tours Lakeforge on generated orders and events: quality gate and quarantine, Iceberg time travel and rollback, profiling, reports.";
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
    String ns = settings.namespace();
    JobPlan.Builder plan =
        JobPlan.of("demo: " + settings.orders() + " orders, " + settings.events() + " events");
    CatalogNamespace.undeclaredCatalog(ctx.spark(), ns)
        .ifPresent(
            c -> plan.problem("no catalog " + c + " (namespace " + ns + "): set demo.namespace"));
    plan.step("replace the tables " + ns + ".{" + String.join(", ", TABLES) + "}")
        .step("generate orders and events with planted defects into raw_orders and raw_events")
        .step("validate them (Error-level checks), quarantine failing rows with their reasons")
        .step("load validated orders in two commits, replay the second by mistake, roll it back")
        .step("build daily_revenue and customer_summary; profile the events, suggest a suite")
        .step("write " + settings.output() + "/{quality-report.html, suggested-suite.yaml}");
    return plan.build();
  }

  @Override
  public JobOutcome run(JobContext ctx) throws Exception {
    SparkSession spark = ctx.spark();
    String ns = settings.namespace();
    Path output = shown(settings.output().toPath());
    Files.createDirectories(output);
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + ns);
    for (String t : TABLES) {
      spark.sql("DROP TABLE IF EXISTS " + ns + "." + t + " PURGE");
    }

    ctx.print("1. Raw data");
    SampleData.orders(spark, settings.orders(), settings.customers())
        .writeTo(ns + ".raw_orders")
        .create();
    SampleData.events(spark, settings.events(), settings.customers())
        .writeTo(ns + ".raw_events")
        .create();
    ctx.print(
        String.format(
            Locale.ROOT,
            "   generated %d orders and %d customer events (November 2026) with planted defects%n"
                + "   into %s.raw_orders and %s.raw_events",
            settings.orders(),
            settings.events(),
            ns,
            ns));

    ctx.print("2. Quality gate");
    Dataset<Row> rawOrders = spark.table(ns + ".raw_orders");
    VerificationResult raw = Verification.onData(rawOrders).addCheck(ordersCheck()).run();
    ctx.print("   raw orders: " + raw.summary().strip().replace("\n", "\n   "));
    Split orders = Verification.onData(rawOrders).addCheck(ordersCheck()).split();
    Split events =
        Verification.onData(spark.table(ns + ".raw_events")).addCheck(eventsCheck()).split();
    orders.bad().writeTo(ns + ".orders_quarantine").create();
    events.bad().writeTo(ns + ".events_quarantine").create();
    events.good().writeTo(ns + ".events").create();
    printReasons(ctx, ns + ".orders_quarantine");
    printReasons(ctx, ns + ".events_quarantine");

    ctx.print("3. Time travel and rollback");
    Dataset<Row> good = orders.good();
    String firstHalf = "ordered_at < TIMESTAMP '2026-11-15 00:00:00'";
    good.where(firstHalf).writeTo(ns + ".orders").create();
    good.where("NOT (" + firstHalf + ")").writeTo(ns + ".orders").append();
    LakeTable table = LakeTable.of(spark, ns + ".orders");
    SnapshotInfo loaded = table.current();
    good.where("NOT (" + firstHalf + ")").writeTo(ns + ".orders").append(); // the mistake
    printHistory(ctx, table);
    ctx.print(
        String.format(
            Locale.ROOT,
            "   revenue as of snapshot %d: %s; now, after the replayed load: %s",
            loaded.snapshotId(),
            revenue(table.asOf(loaded.snapshotId())),
            revenue(table.read())));
    RollbackPlan rollback =
        table
            .rollback()
            .by("lakeforge demo")
            .reason("replayed load")
            .toSnapshot(loaded.snapshotId());
    ctx.print("   " + rollback.describe().strip().replace("\n", "\n   "));
    rollback.commit();
    long validated = table.read().count();
    ctx.print("   rolled back: " + validated + " orders, revenue " + revenue(table.read()));
    VerificationResult gate = Verification.onData(table.read()).addCheck(ordersCheck()).run();
    ctx.print("   the gate on " + ns + ".orders: " + gate.status());

    ctx.print("4. Analytics");
    Analytics.build(spark, ns);
    ctx.print(
        "   "
            + ns
            + ".daily_revenue ("
            + spark.table(ns + ".daily_revenue").count()
            + " rows) and "
            + ns
            + ".customer_summary ("
            + spark.table(ns + ".customer_summary").count()
            + " rows); the top customers:");
    List<Row> top =
        spark
            .table(ns + ".customer_summary")
            .orderBy(col("revenue").desc())
            .limit(3)
            .collectAsList();
    ctx.print(
        "   "
            + TextTable.renderRows(spark.table(ns + ".customer_summary").columns(), top)
                .stripTrailing()
                .replace("\n", "\n   "));

    ctx.print("5. Profile and suggested suite");
    Dataset<Row> validatedEvents = spark.table(ns + ".events");
    Profile profile = ColumnProfiler.onData(validatedEvents).run();
    List<Suggestions.Suggestion> suggested = Suggestions.from(profile, validatedEvents);
    Path suite = output.resolve("suggested-suite.yaml");
    Files.writeString(
        suite, Suggestions.toSuiteYaml(suggested, ns + ".events", profile), StandardCharsets.UTF_8);
    ctx.print(
        "   profiled "
            + profile.columns().size()
            + " columns of "
            + ns
            + ".events; "
            + suggested.size()
            + " suggested constraints in "
            + suite);

    Path report = output.resolve("quality-report.html");
    HtmlReport.of(raw)
        .title("Raw orders: " + ns + ".raw_orders")
        .failingRows(orders.bad(), 50)
        .writeTo(report);

    Map<String, Object> details = new LinkedHashMap<>();
    details.put("rawOrders", settings.orders());
    details.put("rawEvents", settings.events());
    details.put("quarantinedOrders", spark.table(ns + ".orders_quarantine").count());
    details.put("quarantinedEvents", spark.table(ns + ".events_quarantine").count());
    details.put("validatedOrders", validated);
    details.put("rolledBackSnapshots", rollback.undone().size());
    details.put("suggestedConstraints", suggested.size());
    Tour.print(ctx, ns, report, suite);
    List<String> outputs = new ArrayList<>(List.of(report.toString(), suite.toString()));
    TABLES.forEach(t -> outputs.add(ns + "." + t));
    return JobOutcome.success(
            "demo: "
                + validated
                + " validated orders, "
                + details.get("quarantinedOrders")
                + " orders and "
                + details.get("quarantinedEvents")
                + " events quarantined, 1 load rolled back")
        .withDetails(details)
        .withOutputs(outputs);
  }

  /** Every order: an id, a customer, a known status, a non-negative amount, a date not ahead. */
  static Check ordersCheck() {
    return Check.error("orders")
        .isComplete("order_id")
        .isComplete("customer_id")
        .isContainedIn("status", SampleData.STATUSES)
        .isNonNegative("amount")
        .satisfies("ordered_at < TIMESTAMP '2026-12-01 00:00:00'", "ordered in time", f -> f == 1);
  }

  static Check eventsCheck() {
    return Check.error("customer events")
        .isComplete("customer_id")
        .isContainedIn("event_type", "view", "click", "add_to_cart", "purchase");
  }

  private static void printReasons(JobContext ctx, String quarantine) {
    Dataset<Row> bad = ctx.spark().table(quarantine);
    List<Row> reasons =
        bad.select(explode(col(Verification.REASONS)).as("reason"))
            .groupBy("reason")
            .count()
            .orderBy(col("count").desc(), col("reason"))
            .collectAsList();
    ctx.print("   " + quarantine + ": " + bad.count() + " rows, with their reasons:");
    for (Row r : reasons) {
      ctx.print(String.format(Locale.ROOT, "     %6d  %s", r.getLong(1), r.getString(0)));
    }
  }

  private static void printHistory(JobContext ctx, LakeTable table) {
    List<List<String>> rows = new ArrayList<>();
    for (SnapshotInfo s : table.history()) {
      rows.add(
          List.of(
              String.valueOf(s.snapshotId()),
              s.operation(),
              "+" + s.addedRecords(),
              String.valueOf(s.totalRecords())));
    }
    ctx.print(
        "   "
            + TextTable.render(List.of("snapshot", "operation", "added", "records"), rows)
                .stripTrailing()
                .replace("\n", "\n   "));
  }

  /** A path under the working directory as a relative one, as a user would type it. */
  private static Path shown(Path path) {
    Path wd = Location.workingDirectory();
    return path.startsWith(wd) ? wd.relativize(path) : path;
  }

  private static String revenue(Dataset<Row> orders) {
    Object sum = orders.agg(sum("amount")).first().get(0);
    return String.valueOf(sum);
  }
}
