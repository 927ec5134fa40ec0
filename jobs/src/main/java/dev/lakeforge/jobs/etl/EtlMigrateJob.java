package dev.lakeforge.jobs.etl;

import static org.apache.spark.sql.functions.lit;

import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.SparkJob;
import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.Verification;
import dev.lakeforge.quality.VerificationResult;
import dev.lakeforge.streaming.PostgresTable;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Migrates sources (JDBC tables, CSV uploads, a Kafka staging topic) into raw, cleaned and
 * analytics layers in Iceberg and a PostgreSQL warehouse schema, incrementally: each source's state
 * (its watermark, or its Kafka offsets) is kept in {@code etl_state} and moves only after its rows
 * landed, so a run killed mid-way and run again resumes without loss or duplicates. Each source's
 * completeness (rows landed / rows the source holds in the window) must reach {@code
 * minCompleteness}; a quality gate guards every layer.
 *
 * <pre>{@code
 * bin/lakeforge etl-migrate --config examples/etl-migrate.yaml
 * }</pre>
 */
public final class EtlMigrateJob implements SparkJob {
  private EtlSettings settings;

  @Override
  public String name() {
    return "etl-migrate";
  }

  @Override
  public String description() {
    return "Migrates JDBC tables, CSV uploads and a Kafka staging topic into raw, cleaned and analytics layers in Iceberg and PostgreSQL, incrementally.";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return EtlSettings.class;
  }

  @Override
  public void configure(Config config) {
    settings = config.bind(name(), EtlSettings.class);
  }

  private String ns() {
    return settings.namespace();
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    SparkSession spark = ctx.spark();
    JobPlan.Builder plan =
        JobPlan.of("etl-migrate " + settings.sources().size() + " source(s) into " + ns());
    settings
        .sources()
        .forEach(
            (name, s) -> {
              plan.step(
                  name
                      + " ("
                      + s.kind()
                      + "): rows with "
                      + s.watermark()
                      + " after the stored state into "
                      + ns()
                      + ".raw_"
                      + name
                      + ", newest per "
                      + s.key()
                      + " into "
                      + ns()
                      + ".clean_"
                      + name);
              try {
                if (s.jdbc() != null) {
                  List<String> columns = List.of(Extract.jdbcSchema(spark, s.jdbc()).fieldNames());
                  for (String c : concat(s.key(), s.watermark())) {
                    if (!columns.contains(c)) {
                      plan.problem(
                          name
                              + ": "
                              + s.jdbc().table()
                              + " has no column "
                              + c
                              + " (etl-migrate.sources."
                              + name
                              + "); it has "
                              + columns);
                    }
                  }
                } else if (s.csv() != null
                    && s.csv().path().isLocal()
                    && !Files.isDirectory(s.csv().path().toPath())) {
                  plan.problem(
                      name
                          + ": no folder "
                          + s.csv().path()
                          + " (etl-migrate.sources."
                          + name
                          + ".csv.path)");
                }
              } catch (Exception e) {
                plan.problem(name + ": cannot read " + s.kind() + " source: " + firstLine(e));
              }
            });
    for (EtlSettings.Analytics a : settings.analytics()) {
      plan.step("analytics " + ns() + "." + a.name() + " by " + a.key());
      try {
        spark.sql(a.sql()).schema();
      } catch (Exception e) { // Spark's AnalysisException is checked, and thrown undeclared
        if (!firstLine(e).contains("TABLE_OR_VIEW_NOT_FOUND")
            && !firstLine(e).contains("does not exist")) {
          plan.problem("analytics " + a.name() + ": " + firstLine(e));
        }
      }
    }
    if (settings.warehouse() != null) {
      plan.step(
          "upsert the cleaned and analytics tables into PostgreSQL "
              + settings.warehouse().url()
              + " schema "
              + settings.warehouse().schema());
      try {
        warehouse("state_check").check();
      } catch (RuntimeException e) {
        plan.problem(firstLine(e));
      }
    }
    return plan.build();
  }

  @Override
  public JobOutcome run(JobContext ctx) throws Exception {
    SparkSession spark = ctx.spark();
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + ns());
    EtlState state = new EtlState(spark, ns());
    state.create();
    Layers layers = new Layers(spark, ns(), ctx.runId());
    Map<String, Object> details = new LinkedHashMap<>();
    long total = 0;
    long started = System.nanoTime();
    for (Map.Entry<String, EtlSettings.Source> e : settings.sources().entrySet()) {
      String name = e.getKey();
      String before = state.get(name);
      Extract extract = Extract.of(spark, e.getValue(), before);
      if (extract.state() == null && extract.sourceRows() == 0) {
        ctx.print(name + ": nothing new after " + before);
        details.put(name, Map.of("sourceRows", 0));
        continue;
      }
      PostgresTable warehouse =
          settings.warehouse() == null
              ? null
              : warehouse(name).key(e.getValue().key().toArray(String[]::new));
      Map<String, Object> counts;
      try {
        counts = layers.load(name, e.getValue(), extract, settings.minCompleteness(), warehouse);
      } catch (Layers.GateFailed failed) {
        ctx.print(failed.getMessage());
        return JobOutcome.qualityGateFailed(
                "etl-migrate: "
                    + failed.getMessage().lines().findFirst().orElse("")
                    + "; the state of "
                    + name
                    + " did not move")
            .withDetails(details);
      }
      if (extract.state() != null) {
        state.put(name, extract.state(), ctx.runId());
      }
      counts.put("from", before == null ? "the start" : before);
      counts.put("to", extract.state() == null ? before : extract.state());
      details.put(name, counts);
      total += (Long) counts.get("raw");
      ctx.print(
          String.format(
              Locale.ROOT,
              "%s: %d row(s) in the source's window, %d landed raw, %d quarantined, %d merged into cleaned; completeness %.4f; state %s -> %s",
              name,
              counts.get("sourceRows"),
              counts.get("raw"),
              counts.get("quarantined"),
              counts.get("cleaned"),
              (Double) counts.get("completeness"),
              counts.get("from"),
              counts.get("to")));
    }
    for (EtlSettings.Analytics a : settings.analytics()) {
      if (total == 0 && spark.catalog().tableExists(ns() + "." + a.name())) {
        ctx.print("analytics " + ns() + "." + a.name() + ": unchanged (no source landed a row)");
        continue;
      }
      Dataset<Row> rows = spark.sql(a.sql()).persist();
      VerificationResult r =
          Verification.onData(rows)
              .addCheck(
                  Check.error(a.name())
                      .isPrimaryKey(
                          a.key().get(0),
                          a.key().subList(1, a.key().size()).toArray(String[]::new)))
              .run();
      if (r.hasErrors()) {
        ctx.print(r.summary());
        return JobOutcome.qualityGateFailed(
                "etl-migrate: the quality gate on analytics "
                    + a.name()
                    + " failed; it was not published")
            .withDetails(details);
      }
      String table = ns() + "." + a.name();
      if (spark.catalog().tableExists(table)) {
        rows.writeTo(table).overwrite(lit(true));
      } else {
        rows.writeTo(table).using("iceberg").create();
      }
      if (settings.warehouse() != null) {
        PostgresTable pg = warehouse(a.name()).key(a.key().toArray(String[]::new));
        pg.createIfMissing(rows.schema());
        pg.upsert(rows);
      }
      ctx.print("analytics " + table + ": " + rows.count() + " row(s)");
      rows.unpersist();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    details.put("rowsLanded", total);
    details.put("rowsPerSecond", Math.round(total / Math.max(seconds, 1e-3)));
    String summary =
        String.format(
            Locale.ROOT,
            "etl-migrate: %d row(s) landed from %d source(s) in %.1f s (%d rows/s)",
            total,
            settings.sources().size(),
            seconds,
            Math.round(total / Math.max(seconds, 1e-3)));
    ctx.print(summary);
    return JobOutcome.success(summary).withDetails(details);
  }

  private PostgresTable warehouse(String table) {
    EtlSettings.Warehouse w = settings.warehouse();
    return PostgresTable.of(
        w.url(),
        w.user(),
        w.password() == null ? null : w.password().reveal(),
        w.schema() + "." + table);
  }

  private static List<String> concat(List<String> a, String b) {
    List<String> out = new ArrayList<>(a);
    out.add(b);
    return out;
  }

  private static String firstLine(Throwable e) {
    return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
  }
}
