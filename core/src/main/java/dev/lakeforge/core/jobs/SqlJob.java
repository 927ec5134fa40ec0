package dev.lakeforge.core.jobs;

import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.SparkErrors;
import dev.lakeforge.core.TextTable;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.SparkJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.QueryContext;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.CommandExecutionMode;
import picocli.CommandLine.Option;

/**
 * Runs a file of SQL statements against the session's catalogs, printing the rows of each query.
 * With {@code --dry-run} it parses and analyses every statement and reports each error with its
 * statement number and file position, executing nothing: SQL validation for CI.
 */
public final class SqlJob implements SparkJob {
  private static final Logger LOG = LogManager.getLogger(SqlJob.class);
  private static final Pattern CREATES =
      Pattern.compile(
          "(?is)^\\s*CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:GLOBAL\\s+)?(?:TEMP(?:ORARY)?\\s+)?(?:EXTERNAL\\s+)?"
              + "(TABLE|VIEW|DATABASE|SCHEMA|NAMESPACE)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?([\\w.`]+)");
  private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  @Option(
      names = "--file",
      paramLabel = "SQL_FILE",
      description = "The SQL file (overrides sql.file).")
  Path fileOption;

  private Path file;
  private SqlSettings settings;
  private List<SqlStatement> statements;

  @Override
  public String name() {
    return "sql";
  }

  @Override
  public String description() {
    return "Runs a file of SQL statements; --dry-run parses and analyses them without executing.";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return SqlSettings.class;
  }

  @Override
  public void configure(Config config) {
    settings = config.bind("sql", SqlSettings.class);
    if (fileOption != null) {
      file = fileOption.toAbsolutePath().normalize();
    } else if (settings.file() != null) {
      file = settings.file().toPath();
    } else {
      throw new ConfigException(
          "sql job: no SQL file: give --file FILE or set sql.file in the config");
    }
    String script;
    try {
      script = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw fileOption != null
          ? new ConfigException("--file " + file + ": no such file")
          : config.errorAt("sql.file", "SQL file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("cannot read SQL file " + file + ": " + e.getMessage(), e);
    }
    statements = SqlScript.split(script);
    if (statements.isEmpty()) {
      throw new ConfigException(file + ": the SQL file holds no statement");
    }
    for (SqlStatement s : statements) {
      Matcher m = VAR.matcher(s.text());
      while (m.find()) {
        if (!settings.vars().containsKey(m.group(1)) && !m.group(1).contains(".")) {
          throw new ConfigException(
              s.position(file.toString(), 1, 1)
                  + ": statement "
                  + s.number()
                  + " uses ${"
                  + m.group(1)
                  + "}, which sql.vars does not define"
                  + (settings.vars().isEmpty()
                      ? ""
                      : " (defined: " + String.join(", ", settings.vars().keySet()) + ")"));
        }
      }
    }
  }

  private String text(SqlStatement s) {
    Matcher m = VAR.matcher(s.text());
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String value = settings.vars().get(m.group(1));
      m.appendReplacement(sb, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    return m.appendTail(sb).toString();
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    org.apache.spark.sql.classic.SparkSession spark = classic(ctx.spark());
    JobPlan.Builder plan = JobPlan.of("run " + statements.size() + " statement(s) from " + file);
    Map<String, Integer> created = new HashMap<>();
    for (SqlStatement s : statements) {
      String where = s.position(file.toString(), 1, 1);
      String sql = text(s);
      LogicalPlan parsed;
      try {
        parsed = spark.sessionState().sqlParser().parsePlan(sql);
      } catch (Exception e) {
        if (!(e instanceof AnalysisException ae)) {
          throw new LakeforgeException(
              where + ": statement " + s.number() + ": cannot parse: " + e, e);
        }
        plan.step(
            "statement " + s.number() + " (" + where + ") " + s.headline() + "  -> syntax error");
        plan.problem(locate(ae, s) + ": statement " + s.number() + ": " + firstLine(ae));
        continue;
      }
      String verdict;
      try {
        spark.sessionState().executePlan(parsed, CommandExecutionMode.SKIP()).assertAnalyzed();
        verdict = "ok (" + parsed.nodeName() + ")";
      } catch (Exception ex) {
        if (!(ex instanceof AnalysisException e)) {
          throw new LakeforgeException(
              where + ": statement " + s.number() + ": cannot analyse: " + ex, ex);
        }
        Integer creator = createdBy(e, created);
        if (creator != null) {
          verdict =
              "not analysed: it uses what statement "
                  + creator
                  + " creates ("
                  + parsed.nodeName()
                  + ")";
        } else {
          verdict = "analysis error";
          plan.problem(
              locate(e, s)
                  + ": statement "
                  + s.number()
                  + ": "
                  + SparkErrors.missing(e)
                      .filter(m -> m.startsWith("catalog"))
                      .orElseGet(() -> firstLine(e)));
        }
      }
      plan.step("statement " + s.number() + " (" + where + ") " + s.headline() + "  -> " + verdict);
      Matcher m = CREATES.matcher(sql);
      if (m.find()) {
        created.put(normalise(m.group(2)), s.number());
      }
    }
    return plan.build();
  }

  /** The earlier statement that creates the missing table or schema this error names, if any. */
  private static Integer createdBy(AnalysisException e, Map<String, Integer> created) {
    String cls = String.valueOf(e.getCondition());
    Map<String, String> params = e.getMessageParameters();
    String missing = null;
    if (cls.startsWith("TABLE_OR_VIEW_NOT_FOUND")) {
      missing = params.get("relationName");
    } else if (cls.startsWith("SCHEMA_NOT_FOUND")) {
      missing = params.get("schemaName");
    }
    if (missing == null) {
      return null;
    }
    String name = normalise(missing);
    for (Map.Entry<String, Integer> c : created.entrySet()) {
      if (c.getKey().endsWith(name) || name.endsWith(c.getKey())) {
        return c.getValue();
      }
    }
    return null;
  }

  private static String normalise(String identifier) {
    return identifier.replace("`", "").toLowerCase(Locale.ROOT);
  }

  @Override
  public JobOutcome run(JobContext ctx) {
    SparkSession spark = ctx.spark();
    int queries = 0;
    for (SqlStatement s : statements) {
      String where = s.position(file.toString(), 1, 1);
      LOG.info("statement {} ({}): {}", s.number(), where, s.headline());
      Dataset<Row> result;
      try {
        result = spark.sql(text(s));
        if (result.columns().length > 0 && settings.show() > 0) {
          List<Row> rows = result.limit(settings.show() + 1).collectAsList();
          boolean more = rows.size() > settings.show();
          List<Row> shown = more ? rows.subList(0, settings.show()) : rows;
          ctx.print("statement " + s.number() + " (" + where + "): " + s.headline());
          ctx.print(TextTable.renderRows(result.columns(), shown).stripTrailing());
          ctx.print(
              more
                  ? "(first " + shown.size() + " rows)"
                  : "(" + shown.size() + " row" + (shown.size() == 1 ? ")" : "s)"));
          queries++;
        }
      } catch (Exception e) {
        if (e instanceof AnalysisException ae) {
          throw new LakeforgeException(
              SparkErrors.kind(ae),
              locate(ae, s) + ": statement " + s.number() + ": " + firstLine(ae),
              ae);
        }
        throw new LakeforgeException(
            where + ": statement " + s.number() + " failed: " + firstLine(e), e);
      }
    }
    String summary =
        "ran "
            + statements.size()
            + " statement(s) from "
            + file.getFileName()
            + ", "
            + queries
            + " returned rows";
    ctx.print(summary);
    return JobOutcome.success(summary)
        .withDetails(Map.of("file", file.toString(), "statements", statements.size()));
  }

  /** file:line:col of the error inside the statement, or the statement's start. */
  private String locate(AnalysisException e, SqlStatement s) {
    String source = file.toString();
    if (e.line().isDefined() && e.startPosition().isDefined()) {
      return s.position(source, (Integer) e.line().get(), (Integer) e.startPosition().get() + 1);
    }
    for (QueryContext qc : e.getQueryContext()) {
      if (qc.startIndex() >= 0) {
        String before = text(s).substring(0, Math.min(qc.startIndex(), text(s).length()));
        int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
        int col = before.length() - before.lastIndexOf('\n');
        return s.position(source, line, col);
      }
    }
    return s.position(source, 1, 1);
  }

  /**
   * The error's first line without Spark's own position (the statement's file:line is given
   * instead).
   */
  private static String firstLine(Throwable e) {
    return LakeforgeException.firstLine(e)
        .replaceAll(";? ?\\(?line \\d+,? pos \\d+\\)?;?$", "")
        .strip();
  }

  private static org.apache.spark.sql.classic.SparkSession classic(SparkSession spark) {
    if (spark instanceof org.apache.spark.sql.classic.SparkSession c) {
      return c;
    }
    throw new LakeforgeException(
        "sql --dry-run needs a classic session to analyse statements; got "
            + spark.getClass().getName());
  }

  List<SqlStatement> statements() {
    return new ArrayList<>(statements);
  }
}
