package dev.lakeforge.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A quality suite read from a YAML or JSON file: checks with their constraints, and analyzers to
 * compute. Loading is strict: an unknown key, a wrong type or a malformed assertion fails with the
 * file, line, key path and the accepted values; so does a column the data does not have, before
 * any data is read.
 *
 * <pre>{@code
 * checks:
 *   - description: orders
 *     level: error
 *     constraints:
 *       - isComplete: order_id
 *       - isUnique: order_id
 *       - isContainedIn: {column: status, values: [NEW, PAID, SHIPPED]}
 *       - hasCompleteness: {column: amount, assertion: ">= 0.99", hint: "payments drop amounts"}
 *       - expect_column_values_to_be_between: {column: amount, min_value: 0, max_value: 10000}
 * analyzers:
 *   - size
 *   - approxQuantile: {column: amount, quantile: 0.5}
 * anomalies:                         # against the metrics repository's history
 *   - analyzer: size
 *     strategy: {relativeRateOfChange: {maxRateDecrease: 0.5, maxRateIncrease: 2.0}}
 *   - analyzer: {mean: amount}
 *     strategy: {rollingZScore: {window: 20, threshold: 3}}
 *     level: error                   # warning by default
 * }</pre>
 *
 * <pre>{@code
 * Suite suite = Suite.load(Path.of("orders.yaml"));
 * VerificationResult r = suite.verification(orders).run();
 * }</pre>
 */
public final class Suite {
  private static final Set<String> TOP = Set.of("name", "description", "checks", "analyzers", "anomalies");
  private static final Set<String> ANOMALY_KEYS = Set.of("analyzer", "strategy", "level");
  /** Strategy names, with their parameters (all required). */
  private static final Map<String, List<String>> STRATEGIES = new LinkedHashMap<>();

  static {
    STRATEGIES.put("simpleThresholds", List.of("lower", "upper"));
    STRATEGIES.put("absoluteChange", List.of("maxDecrease", "maxIncrease"));
    STRATEGIES.put("relativeRateOfChange", List.of("maxRateDecrease", "maxRateIncrease"));
    STRATEGIES.put("onlineNormal", List.of());
    STRATEGIES.put("batchNormal", List.of());
    STRATEGIES.put("rollingZScore", List.of("window", "threshold"));
    STRATEGIES.put("holtWintersDaily", List.of());
    STRATEGIES.put("holtWintersWeekly", List.of());
  }

  /**
   * An anomaly check of a suite: the analyzer's metric is judged by the strategy against its
   * history in a metrics repository.
   *
   * @param analyzer the metric
   * @param strategy how an anomaly is recognised
   * @param level the check's level (warning by default, as in Deequ)
   */
  public record Anomaly(Analyzer analyzer, AnomalyStrategy strategy, Check.Level level) {}
  private static final Set<String> CHECK_KEYS = Set.of("description", "level", "constraints");
  private static final Set<String> COMMON = Set.of("where", "hint");
  private static final Set<String> ASSERTION_OPERATORS =
      Set.of("between", "equals", "atLeast", "atMost", "greaterThan", "lessThan");

  private enum Shorthand { COLUMN, COLUMNS, ASSERTION, NONE }

  /** A word of the vocabulary: its shorthand, keys, and how it adds a constraint or makes an analyzer. */
  private record Def(Shorthand shorthand, Set<String> keys, Set<String> required, BiFunction<Check, SuiteArgs, Check> add,
      Function<SuiteArgs, Analyzer> make) {
    Def(Shorthand shorthand, Set<String> keys, Set<String> required, Function<SuiteArgs, Analyzer> make) {
      this(shorthand, keys, required, null, make);
    }
  }

  private static final Map<String, Def> CONSTRAINTS = new LinkedHashMap<>();
  private static final Map<String, Def> ANALYZERS = new LinkedHashMap<>();

  /** A constraint or analyzer as written: where it is, and the columns it names. */
  private record Entry(String path, String name, List<String> columns, List<String> predicates, List<Analyzer> analyzers) {}

  private final Path file;
  private final String name;
  private final List<Check> checks;
  private final List<Analyzer> analyzers;
  private final List<Anomaly> anomalies;
  private final List<Entry> entries;
  private final Config config;

  private Suite(Path file, String name, List<Check> checks, List<Analyzer> analyzers, List<Anomaly> anomalies,
      List<Entry> entries, Config config) {
    this.file = file;
    this.name = name;
    this.checks = List.copyOf(checks);
    this.analyzers = List.copyOf(analyzers);
    this.anomalies = List.copyOf(anomalies);
    this.entries = List.copyOf(entries);
    this.config = config;
  }

  public Path file() {
    return file;
  }

  public String name() {
    return name;
  }

  public List<Check> checks() {
    return checks;
  }

  public List<Analyzer> analyzers() {
    return analyzers;
  }

  /** The anomaly checks; they need a metrics repository with the history. */
  public List<Anomaly> anomalies() {
    return anomalies;
  }

  /** The names a suite file accepts as constraints (Deequ's and Great Expectations' names). */
  public static Set<String> constraintNames() {
    return new TreeSet<>(CONSTRAINTS.keySet());
  }

  /** The names a suite file accepts as analyzers. */
  public static Set<String> analyzerNames() {
    return new TreeSet<>(ANALYZERS.keySet());
  }

  /**
   * Reads and validates a suite file.
   *
   * @throws ConfigException naming file:line, key path and the accepted values
   */
  public static Suite load(Path file) {
    Config config = Config.file(file).load();
    config.requireOnlySections(TOP);
    JsonNode root = config.bind("", JsonNode.class);
    String name = root.has("name") ? root.get("name").asText() : file.getFileName().toString();
    List<Entry> entries = new ArrayList<>();
    List<Check> checks = readList(config, root, "checks", "checks", (at, n) -> readCheck(config, at, n, entries));
    List<Analyzer> analyzers = readList(config, root, "analyzers", "analyzers", (at, n) -> readAnalyzer(config, at, n, entries));
    List<Anomaly> anomalies = readList(config, root, "anomalies", "anomaly checks",
        (at, n) -> readAnomaly(config, at, n, entries));
    if (checks.isEmpty() && analyzers.isEmpty() && anomalies.isEmpty()) {
      throw new ConfigException(file + ": the suite has no checks, analyzers or anomalies; add 'checks:' or 'analyzers:'");
    }
    return new Suite(file, name, checks, analyzers, anomalies, entries, config);
  }

  /** The top-level list {@code key}, each entry read with its key path ({@code key[i]}); empty when absent. */
  private static <T> List<T> readList(Config config, JsonNode root, String key, String what,
      java.util.function.BiFunction<String, JsonNode, T> read) {
    List<T> out = new ArrayList<>();
    JsonNode node = root.get(key);
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      throw config.errorAt(key, "expected a list of " + what + ", got " + SuiteArgs.describe(node));
    }
    for (int i = 0; i < node.size(); i++) {
      out.add(read.apply(key + "[" + i + "]", node.get(i)));
    }
    return out;
  }

  private static Check.Level level(SuiteArgs args, Check.Level fallback) {
    String text = args.string("level");
    try {
      return text == null ? fallback : Check.Level.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw args.error("level", "expected error or warning, got '" + text + "'");
    }
  }

  private static Anomaly readAnomaly(Config config, String path, JsonNode node, List<Entry> entries) {
    SuiteArgs args = new SuiteArgs(config, path, "an anomaly check", node);
    if (!args.isMap()) {
      throw args.error(null, "expected an anomaly check (a mapping with analyzer, strategy and level), got "
          + SuiteArgs.describe(node));
    }
    args.requireKeys(ANOMALY_KEYS, Set.of("analyzer", "strategy"));
    Analyzer analyzer = readAnalyzer(config, path + ".analyzer", node.get("analyzer"), entries);
    Check.Level level = level(args, Check.Level.WARNING);
    return new Anomaly(analyzer, readStrategy(config, path + ".strategy", node.get("strategy")), level);
  }

  private static AnomalyStrategy readStrategy(Config config, String path, JsonNode node) {
    Named<List<String>> n = named(config, path, node, "strategy", STRATEGIES, STRATEGIES.keySet());
    String name = n.name();
    List<String> params = n.def();
    String at = n.at();
    JsonNode value = n.value();
    if (params.isEmpty()) {
      if (value != null && !value.isNull() && !(value.isObject() && value.isEmpty())) {
        throw config.errorAt(at, name + " takes no parameters, got " + SuiteArgs.describe(value));
      }
    } else if (value == null || !value.isObject()) {
      throw config.errorAt(at, name + " needs " + String.join(" and ", params) + ", e.g. '" + name + ": {"
          + String.join(": ..., ", params) + ": ...}'");
    }
    SuiteArgs args = new SuiteArgs(config, at, name, value);
    if (!params.isEmpty()) {
      args.requireKeys(Set.copyOf(params), Set.copyOf(params));
    }
    java.util.function.Function<String, Double> p = args::number;
    try {
      return switch (name) {
        case "simpleThresholds" -> AnomalyStrategy.simpleThresholds(p.apply("lower"), p.apply("upper"));
        case "absoluteChange" -> AnomalyStrategy.absoluteChange(p.apply("maxDecrease"), p.apply("maxIncrease"));
        case "relativeRateOfChange" -> AnomalyStrategy.relativeRateOfChange(p.apply("maxRateDecrease"),
            p.apply("maxRateIncrease"));
        case "onlineNormal" -> AnomalyStrategy.onlineNormal();
        case "batchNormal" -> AnomalyStrategy.batchNormal();
        case "rollingZScore" -> {
          double window = p.apply("window");
          if (window != Math.rint(window) || window < 2) {
            throw args.error("window", "expected a whole number of points, at least 2, got " + window);
          }
          yield AnomalyStrategy.rollingZScore((int) window, p.apply("threshold"));
        }
        case "holtWintersDaily" -> HoltWinters.dailyWithWeeklySeasonality();
        default -> HoltWinters.weeklyWithYearlySeasonality();
      };
    } catch (IllegalArgumentException ex) {
      throw args.error(null, ex.getMessage());
    }
  }

  private static Check readCheck(Config config, String path, JsonNode node, List<Entry> entries) {
    SuiteArgs args = new SuiteArgs(config, path, "a check", node);
    if (!args.isMap()) {
      throw args.error(null, "expected a check (a mapping with description, level, constraints), got "
          + SuiteArgs.describe(node));
    }
    args.requireKeys(CHECK_KEYS, Set.of("description", "constraints"));
    Check check = Check.of(level(args, Check.Level.ERROR), args.requiredString("description"));
    JsonNode constraints = node.get("constraints");
    if (!constraints.isArray() || constraints.isEmpty()) {
      throw args.error("constraints", "expected a non-empty list of constraints, got " + SuiteArgs.describe(constraints));
    }
    for (int i = 0; i < constraints.size(); i++) {
      check = readConstraint(config, path + ".constraints[" + i + "]", constraints.get(i), check, entries);
    }
    return check;
  }

  private static Map.Entry<String, JsonNode> single(Config config, String path, JsonNode node, String what,
      Set<String> accepted) {
    if (node.isTextual()) {
      return Map.entry(node.asText(), JsonNodeFactory.instance.nullNode());
    }
    if (!node.isObject() || node.size() != 1) {
      throw config.errorAt(path, "expected one " + what + " as a mapping with a single key (e.g. 'isComplete: id'), got "
          + (node.isObject() ? node.size() + " keys" : SuiteArgs.describe(node)));
    }
    return node.fields().next();
  }

  /** One entry of a vocabulary, as written: its name, definition, key path and arguments. */
  private record Named<T>(String name, T def, String at, JsonNode value) {}

  /** Reads {@code name} or {@code name: args} and looks the name up in {@code defs}, or fails listing {@code accepted}. */
  private static <T> Named<T> named(Config config, String path, JsonNode node, String what, Map<String, T> defs,
      java.util.Collection<String> accepted) {
    Map.Entry<String, JsonNode> e = single(config, path, node, what, defs.keySet());
    String name = e.getKey();
    String at = node.isTextual() ? path : path + "." + name;
    T def = defs.get(name);
    if (def == null) {
      throw config.errorAt(at, "unknown " + what + " '" + name + "'" + Config.suggest(name, defs.keySet()) + "; accepted: "
          + String.join(", ", accepted));
    }
    return new Named<>(name, def, at, e.getValue());
  }

  /** The check with the constraint(s) one entry adds, its filter and hint applied to each. */
  private static Check readConstraint(Config config, String path, JsonNode node, Check check, List<Entry> entries) {
    Named<Def> n = named(config, path, node, "constraint", CONSTRAINTS, constraintNames());
    String name = n.name();
    Def def = n.def();
    String at = n.at();
    SuiteArgs args = normalised(config, at, name, def, n.value());
    int before = check.constraints().size();
    String where = args.string("where");
    String hint = args.string("hint");
    Check next;
    try {
      next = def.add().apply(check, args);
      next = next.withConstraints(next.changeFrom(before, c -> {
        Constraint k = where == null ? c : c.where(where);
        return hint == null ? k : k.withHint(hint);
      }));
    } catch (IllegalArgumentException ex) {
      throw args.error(null, ex.getMessage());
    }
    List<Analyzer> measured = next.constraints().subList(before, next.constraints().size()).stream()
        .map(Constraint::analyzer).filter(java.util.Objects::nonNull).toList();
    entries.add(new Entry(at, name, columnsOf(name, args), predicatesOf(args), measured));
    return next;
  }

  private static Analyzer readAnalyzer(Config config, String path, JsonNode node, List<Entry> entries) {
    Named<Def> n = named(config, path, node, "analyzer", ANALYZERS, analyzerNames());
    String name = n.name();
    Def def = n.def();
    String at = n.at();
    SuiteArgs args = normalised(config, at, name, def, n.value());
    String where = args.string("where");
    Analyzer a;
    try {
      a = def.make().apply(args);
      a = where == null ? a : a.where(where);
    } catch (IllegalArgumentException ex) {
      throw args.error(null, ex.getMessage());
    }
    entries.add(new Entry(at, name, columnsOf(name, args), predicatesOf(args), List.of(a)));
    return a;
  }

  /** Turns shorthand ({@code isComplete: id}) into the long form and checks the keys. */
  private static SuiteArgs normalised(Config config, String at, String name, Def def, JsonNode value) {
    JsonNode node = value;
    boolean operatorMap = def.shorthand() == Shorthand.ASSERTION && value != null && value.isObject() && value.size() == 1
        && ASSERTION_OPERATORS.contains(value.fieldNames().next());
    if (value == null || value.isNull() || !value.isObject() || operatorMap) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      boolean empty = value == null || value.isNull();
      switch (def.shorthand()) {
        case COLUMN -> {
          if (empty || !value.isValueNode()) {
            throw config.errorAt(at, name + " needs a column: write '" + name + ": <column>' or '" + name
                + ": {column: <column>}'");
          }
          o.set("column", value);
        }
        case COLUMNS -> {
          if (empty && !def.required().contains("columns")) {
            break;
          }
          if (empty || !value.isArray()) {
            throw config.errorAt(at, name + " needs a list of columns: write '" + name + ": [a, b]'");
          }
          o.set("columns", value);
        }
        case ASSERTION -> {
          if (empty) {
            throw config.errorAt(at, name + " needs an assertion, e.g. '" + name + ": \">= 1\"'");
          }
          o.set("assertion", value);
        }
        case NONE -> {
          if (!empty) {
            throw config.errorAt(at, name + " takes a mapping of " + String.join(", ", new TreeSet<>(def.keys()))
                + ", got " + SuiteArgs.describe(value));
          }
        }
      }
      node = o;
    }
    SuiteArgs args = new SuiteArgs(config, at, name, node);
    Set<String> keys = new HashSet<>(def.keys());
    keys.addAll(COMMON);
    args.requireKeys(keys, def.required());
    return args;
  }

  /** The columns an entry names, which the data must have (a column whose existence is the question need not). */
  private static List<String> columnsOf(String entry, SuiteArgs a) {
    List<String> out = new ArrayList<>();
    if (entry.equals("columnExists") || entry.equals("hasColumn")) {
      return out;
    }
    for (String k : List.of("column", "column_A", "column_B", "numerator", "denominator", "sumOf")) {
      if (a.has(k)) {
        out.add(a.string(k));
      }
    }
    for (String k : List.of("columns", "column_list")) {
      if (a.has(k)) {
        out.addAll(a.strings(k));
      }
    }
    for (String k : List.of("keys", "compare")) {
      if (a.has(k)) {
        out.addAll(a.stringMap(k).keySet());
      }
    }
    return out;
  }

  private static List<String> predicatesOf(SuiteArgs a) {
    List<String> out = new ArrayList<>();
    for (String k : List.of("predicate", "where")) {
      if (a.has(k)) {
        out.add(a.string(k));
      }
    }
    return out;
  }

  /**
   * What in this suite does not fit the data: missing columns, predicates and filters that do
   * not analyse. Reads no data (analysis only), so it serves {@code --dry-run}.
   */
  public List<String> problems(Dataset<Row> data) {
    StructType schema = data.schema();
    List<String> fields = Arrays.asList(schema.fieldNames());
    List<String> out = new ArrayList<>();
    for (Entry e : entries) {
      for (String c : e.columns()) {
        if (Engine.field(schema, c) == null) {
          out.add(config.errorAt(e.path(), "column '" + c + "' does not exist in the data" + Config.suggest(c, fields)
              + "; columns: " + String.join(", ", fields)).getMessage());
        }
      }
      for (Analyzer a : e.analyzers()) {
        String problem = Engine.typeProblem(a, schema);
        // a predicate is checked with the entry's own words below; the rest (a binning, a query, a table) here
        if (problem == null && !(a instanceof Analyzer.Compliance)) {
          problem = Engine.dataProblem(a, data);
        }
        if (problem != null) {
          out.add(config.errorAt(e.path(), problem).getMessage());
        }
      }
      for (String p : e.predicates()) {
        String problem = Engine.predicateProblem(data, p);
        if (problem != null) {
          out.add(config.errorAt(e.path(), "'" + p + "' does not work on the data: " + problem).getMessage());
        }
      }
    }
    return out;
  }

  /**
   * A verification of this suite on the data, after checking that every column exists. When the
   * suite has anomaly checks, give the verification a repository ({@code saveMetricsTo} or
   * {@code useRepository}).
   *
   * @throws ConfigException listing every column, predicate or filter that does not fit, with file:line
   */
  public Verification verification(Dataset<Row> data) {
    List<String> problems = problems(data);
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("\n", problems));
    }
    Verification v = Verification.onData(data).addChecks(checks).addAnalyzers(analyzers);
    anomalies.forEach(a -> v.addAnomalyCheck(a.strategy(), a.analyzer(), null, a.level()));
    return v;
  }

  // ---- the vocabulary ------------------------------------------------------------------

  private static Set<String> keys(String... k) {
    return Set.of(k);
  }

  private static void constraint(String name, Shorthand s, Set<String> keys, Set<String> required,
      BiFunction<Check, SuiteArgs, Check> add) {
    CONSTRAINTS.put(name, new Def(s, keys, required, add, null));
  }

  private static void columnAssertion(String name, TriAdd add) {
    constraint(name, Shorthand.NONE, keys("column", "assertion"), keys("column", "assertion"),
        (c, a) -> add.add(c, a.requiredString("column"), a.assertion("assertion", null)));
  }

  private static void columnsAssertion(String name, TriListAdd add) {
    constraint(name, Shorthand.NONE, keys("columns", "assertion"), keys("columns", "assertion"),
        (c, a) -> add.add(c, a.strings("columns"), a.assertion("assertion", null)));
  }

  private interface TriAdd {
    Check add(Check c, String column, Assertion a);
  }

  private interface TriListAdd {
    Check add(Check c, List<String> columns, Assertion a);
  }

  private static List<String> two(SuiteArgs a, String key) {
    List<String> cols = a.strings(key);
    if (cols.size() != 2) {
      throw a.error(key, a.entry + " needs exactly two columns, got " + cols.size());
    }
    return cols;
  }

  /** GE's min_value / max_value (either may be absent) with strict bounds, as an assertion. */
  private static Assertion range(SuiteArgs a) {
    Double lo = a.number("min_value");
    Double hi = a.number("max_value");
    if (lo == null && hi == null) {
      throw a.error(null, a.entry + " needs min_value, max_value or both");
    }
    boolean strictMin = a.bool("strict_min", false);
    boolean strictMax = a.bool("strict_max", false);
    Assertion low = lo == null ? null : strictMin ? Assertion.greaterThan(lo) : Assertion.atLeast(lo);
    Assertion high = hi == null ? null : strictMax ? Assertion.lessThan(hi) : Assertion.atMost(hi);
    if (low == null) {
      return high;
    }
    if (high == null) {
      return low;
    }
    if (!strictMin && !strictMax) {
      return Assertion.between(lo, hi);
    }
    return Assertion.of(x -> low.test(x) && high.test(x), low + " and " + high);
  }

  private static Assertion mostly(SuiteArgs a) {
    Double m = a.number("mostly");
    if (m == null) {
      return Assertion.equalTo(1);
    }
    if (m < 0 || m > 1) {
      throw a.error("mostly", "expected a fraction between 0 and 1, got " + m);
    }
    return Assertion.atLeast(m);
  }

  static {
    Set<String> none = Set.of();
    constraint("hasSize", Shorthand.ASSERTION, keys("assertion"), keys("assertion"),
        (c, a) -> c.hasSize(a.assertion("assertion", null)));
    constraint("isComplete", Shorthand.COLUMN, keys("column"), keys("column"), (c, a) -> c.isComplete(a.requiredString("column")));
    columnAssertion("hasCompleteness", Check::hasCompleteness);
    constraint("isUnique", Shorthand.COLUMN, keys("column"), keys("column"), (c, a) -> c.isUnique(a.requiredString("column")));
    constraint("isPrimaryKey", Shorthand.COLUMNS, keys("columns"), keys("columns"), (c, a) -> {
      List<String> cols = a.strings("columns");
      return c.isPrimaryKey(cols.get(0), cols.subList(1, cols.size()).toArray(String[]::new));
    });
    columnsAssertion("hasUniqueness", Check::hasUniqueness);
    columnsAssertion("hasDistinctness", Check::hasDistinctness);
    columnsAssertion("hasUniqueValueRatio", Check::hasUniqueValueRatio);
    columnAssertion("hasNumberOfDistinctValues", Check::hasNumberOfDistinctValues);
    constraint("hasHistogramValues", Shorthand.NONE, keys("column", "value", "ratio", "absolute"), keys("column", "value"),
        (c, a) -> {
          String value = a.requiredString("value");
          if (a.has("ratio") == a.has("absolute")) {
            throw a.error(null, "hasHistogramValues needs exactly one of 'ratio' or 'absolute' (an assertion on the value's share or count)");
          }
          boolean ratio = a.has("ratio");
          Assertion test = a.assertion(ratio ? "ratio" : "absolute", null);
          return c.hasHistogramValues(a.requiredString("column"),
              d -> test.test(ratio ? d.ratio(value) : d.absolute(value)));
        });
    columnAssertion("hasEntropy", Check::hasEntropy);
    constraint("hasMutualInformation", Shorthand.NONE, keys("columns", "assertion"), keys("columns", "assertion"), (c, a) -> {
      List<String> cols = two(a, "columns");
      return c.hasMutualInformation(cols.get(0), cols.get(1), a.assertion("assertion", null));
    });
    constraint("hasApproxQuantile", Shorthand.NONE, keys("column", "quantile", "assertion"),
        keys("column", "quantile", "assertion"),
        (c, a) -> c.hasApproxQuantile(a.requiredString("column"), a.number("quantile"), a.assertion("assertion", null)));
    constraint("hasMinLength", Shorthand.NONE, keys("column", "assertion", "nulls"), keys("column", "assertion"),
        (c, a) -> c.hasMinLength(a.requiredString("column"), a.assertion("assertion", null), a.nulls("nulls")));
    constraint("hasMaxLength", Shorthand.NONE, keys("column", "assertion", "nulls"), keys("column", "assertion"),
        (c, a) -> c.hasMaxLength(a.requiredString("column"), a.assertion("assertion", null), a.nulls("nulls")));
    constraint("hasColumnCount", Shorthand.ASSERTION, keys("assertion"), keys("assertion"),
        (c, a) -> c.hasColumnCount(a.assertion("assertion", null)));
    constraint("hasColumn", Shorthand.COLUMN, keys("column"), keys("column"), (c, a) -> c.hasColumn(a.requiredString("column")));
    columnAssertion("hasVariance", Check::hasVariance);
    columnAssertion("hasSkewness", Check::hasSkewness);
    columnAssertion("hasKurtosis", Check::hasKurtosis);
    columnAssertion("hasZerosCount", Check::hasZerosCount);
    columnAssertion("hasInterquartileRange", Check::hasInterquartileRange);
    constraint("hasExactQuantile", Shorthand.NONE, keys("column", "quantile", "assertion"),
        keys("column", "quantile", "assertion"),
        (c, a) -> c.hasExactQuantile(a.requiredString("column"), a.number("quantile"), a.assertion("assertion", null)));
    constraint("hasKllQuantile", Shorthand.NONE, keys("column", "quantile", "assertion"),
        keys("column", "quantile", "assertion"),
        (c, a) -> c.hasKllQuantile(a.requiredString("column"), a.number("quantile"), a.assertion("assertion", null)));
    constraint("hasRatioOfSums", Shorthand.NONE, keys("numerator", "denominator", "assertion"),
        keys("numerator", "denominator", "assertion"), (c, a) -> c.hasRatioOfSums(a.requiredString("numerator"),
            a.requiredString("denominator"), a.assertion("assertion", null)));
    constraint("hasDuplicateRowCount", Shorthand.ASSERTION, keys("columns", "assertion"), keys("assertion"),
        (c, a) -> c.hasDuplicateRowCount(a.has("columns") ? a.strings("columns") : List.of(), a.assertion("assertion", null)));
    constraint("customSql", Shorthand.NONE, keys("query", "assertion"), keys("query", "assertion"),
        (c, a) -> c.customSql(a.requiredString("query"), a.assertion("assertion", null)));
    constraint("doesDatasetMatch", Shorthand.NONE, keys("table", "keys", "compare", "assertion"),
        keys("table", "keys", "assertion"), (c, a) -> c.doesDatasetMatch(datasetMatch(a), a.assertion("assertion", null)));
    columnAssertion("hasMin", Check::hasMin);
    columnAssertion("hasMax", Check::hasMax);
    columnAssertion("hasMean", Check::hasMean);
    columnAssertion("hasSum", Check::hasSum);
    columnAssertion("hasStandardDeviation", Check::hasStandardDeviation);
    columnAssertion("hasApproxCountDistinct", Check::hasApproxCountDistinct);
    constraint("hasCorrelation", Shorthand.NONE, keys("columns", "assertion"), keys("columns", "assertion"), (c, a) -> {
      List<String> cols = two(a, "columns");
      return c.hasCorrelation(cols.get(0), cols.get(1), a.assertion("assertion", null));
    });
    constraint("satisfies", Shorthand.NONE, keys("predicate", "name", "assertion"), keys("predicate"), (c, a) -> {
      String predicate = a.requiredString("predicate");
      return c.satisfies(predicate, a.has("name") ? a.string("name") : predicate, a.assertion("assertion", Assertion.equalTo(1)));
    });
    constraint("hasPattern", Shorthand.NONE, keys("column", "pattern", "assertion"), keys("column", "pattern"), (c, a) -> {
      String pattern = a.requiredString("pattern");
      try {
        java.util.regex.Pattern.compile(pattern);
      } catch (java.util.regex.PatternSyntaxException e) {
        throw a.error("pattern", "invalid regex '" + pattern + "': " + e.getDescription());
      }
      return c.hasPattern(a.requiredString("column"), pattern, a.assertion("assertion", Assertion.equalTo(1)));
    });
    for (String n : List.of("containsEmail", "containsURL", "containsCreditCardNumber", "isNonNegative", "isPositive")) {
      constraint(n, Shorthand.COLUMN, keys("column", "assertion"), keys("column"), (c, a) -> {
        String col = a.requiredString("column");
        Assertion as = a.assertion("assertion", Assertion.equalTo(1));
        return switch (n) {
          case "containsEmail" -> c.containsEmail(col, as);
          case "containsURL" -> c.containsURL(col, as);
          case "containsCreditCardNumber" -> c.containsCreditCardNumber(col, as);
          case "isNonNegative" -> c.isNonNegative(col, as);
          default -> c.isPositive(col, as);
        };
      });
    }
    for (String n : List.of("isLessThan", "isLessThanOrEqualTo", "isGreaterThan", "isGreaterThanOrEqualTo")) {
      constraint(n, Shorthand.COLUMNS, keys("columns"), keys("columns"), (c, a) -> {
        List<String> cols = two(a, "columns");
        return switch (n) {
          case "isLessThan" -> c.isLessThan(cols.get(0), cols.get(1));
          case "isLessThanOrEqualTo" -> c.isLessThanOrEqualTo(cols.get(0), cols.get(1));
          case "isGreaterThan" -> c.isGreaterThan(cols.get(0), cols.get(1));
          default -> c.isGreaterThanOrEqualTo(cols.get(0), cols.get(1));
        };
      });
    }
    constraint("isContainedIn", Shorthand.NONE,
        keys("column", "values", "lower", "upper", "includeLower", "includeUpper", "assertion"), keys("column"), (c, a) -> {
          String col = a.requiredString("column");
          Assertion as = a.assertion("assertion", Assertion.equalTo(1));
          if (a.has("values")) {
            if (a.has("lower") || a.has("upper")) {
              throw a.error(null, "isContainedIn takes either 'values' or 'lower'/'upper', not both");
            }
            return c.isContainedIn(col, a.strings("values"), as);
          } else if (a.has("lower") && a.has("upper")) {
            return c.isContainedIn(col, a.number("lower"), a.number("upper"), a.bool("includeLower", true),
                a.bool("includeUpper", true), as);
          } else {
            throw a.error(null, "isContainedIn needs 'values' (a list) or both 'lower' and 'upper'");
          }
        });
    constraint("hasDataType", Shorthand.NONE, keys("column", "type", "assertion"), keys("column", "type"), (c, a) -> {
      String t = a.requiredString("type");
      Check.DataTypes type;
      try {
        type = Check.DataTypes.valueOf(t.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw a.error("type", "expected one of null, fractional, integral, boolean, string, numeric, got '" + t + "'");
      }
      return c.hasDataType(a.requiredString("column"), type, a.assertion("assertion", Assertion.equalTo(1)));
    });

    // Great Expectations names, mapped onto the same constraints.
    constraint("expect_column_values_to_not_be_null", Shorthand.COLUMN, keys("column", "mostly"), keys("column"), (c, a) -> {
      if (a.has("mostly")) {
        return c.hasCompleteness(a.requiredString("column"), mostly(a));
      } else {
        return c.isComplete(a.requiredString("column"));
      }
    });
    constraint("expect_column_values_to_be_unique", Shorthand.COLUMN, keys("column"), keys("column"),
        (c, a) -> c.isUnique(a.requiredString("column")));
    constraint("expect_compound_columns_to_be_unique", Shorthand.NONE, keys("column_list"), keys("column_list"), (c, a) -> {
      List<String> cols = a.strings("column_list");
      return c.isPrimaryKey(cols.get(0), cols.subList(1, cols.size()).toArray(String[]::new));
    });
    constraint("expect_column_values_to_be_in_set", Shorthand.NONE, keys("column", "value_set", "mostly"),
        keys("column", "value_set"), (c, a) -> c.isContainedIn(a.requiredString("column"), a.strings("value_set"), mostly(a)));
    constraint("expect_column_values_to_be_between", Shorthand.NONE,
        keys("column", "min_value", "max_value", "strict_min", "strict_max", "mostly"), keys("column"), (c, a) -> {
          Double lo = a.number("min_value");
          Double hi = a.number("max_value");
          if (lo == null && hi == null) {
            throw a.error(null, a.entry + " needs min_value, max_value or both");
          }
          return c.isContainedIn(a.requiredString("column"), lo == null ? Double.NEGATIVE_INFINITY : lo,
              hi == null ? Double.POSITIVE_INFINITY : hi, !a.bool("strict_min", false), !a.bool("strict_max", false),
              mostly(a));
        });
    constraint("expect_column_values_to_match_regex", Shorthand.NONE, keys("column", "regex", "mostly"),
        keys("column", "regex"), (c, a) -> c.hasPattern(a.requiredString("column"), a.requiredString("regex"), mostly(a)));
    constraint("expect_table_row_count_to_be_between", Shorthand.NONE, keys("min_value", "max_value"), none,
        (c, a) -> c.hasSize(range(a)));
    constraint("expect_table_row_count_to_equal", Shorthand.NONE, keys("value"), keys("value"),
        (c, a) -> c.hasSize(Assertion.equalTo(a.number("value"))));
    Map<String, TriAdd> stats = new LinkedHashMap<>();
    stats.put("expect_column_mean_to_be_between", Check::hasMean);
    stats.put("expect_column_min_to_be_between", Check::hasMin);
    stats.put("expect_column_max_to_be_between", Check::hasMax);
    stats.put("expect_column_sum_to_be_between", Check::hasSum);
    stats.put("expect_column_stdev_to_be_between", Check::hasStandardDeviation);
    stats.put("expect_column_unique_value_count_to_be_between", Check::hasNumberOfDistinctValues);
    stats.put("expect_column_proportion_of_unique_values_to_be_between",
        (c, col, as) -> c.hasDistinctness(List.of(col), as));
    stats.forEach((n, add) -> constraint(n, Shorthand.NONE, keys("column", "min_value", "max_value", "strict_min",
        "strict_max"), keys("column"), (c, a) -> add.add(c, a.requiredString("column"), range(a))));
    constraint("expect_column_value_lengths_to_be_between", Shorthand.NONE, keys("column", "min_value", "max_value"),
        keys("column"), (c, a) -> {
          String col = a.requiredString("column");
          Double lo = a.number("min_value");
          Double hi = a.number("max_value");
          if (lo == null && hi == null) {
            throw a.error(null, a.entry + " needs min_value, max_value or both");
          }
          Check next = lo == null ? c : c.hasMinLength(col, Assertion.atLeast(lo));
          return hi == null ? next : next.hasMaxLength(col, Assertion.atMost(hi));
        });
    constraint("expect_column_pair_values_a_to_be_greater_than_b", Shorthand.NONE, keys("column_A", "column_B", "or_equal"),
        keys("column_A", "column_B"), (c, a) -> {
          if (a.bool("or_equal", false)) {
            return c.isGreaterThanOrEqualTo(a.requiredString("column_A"), a.requiredString("column_B"));
          } else {
            return c.isGreaterThan(a.requiredString("column_A"), a.requiredString("column_B"));
          }
        });

    // Analyzers (computed and reported).
    analyzer("size", Shorthand.NONE, keys(), a -> Analyzer.size());
    for (String n : List.of("completeness", "approxCountDistinct", "minimum", "maximum", "mean", "sum",
        "standardDeviation", "variance", "skewness", "kurtosis", "zerosCount", "interquartileRange", "minLength",
        "maxLength", "entropy", "dataType", "histogram")) {
      Set<String> k = switch (n) {
        case "histogram" -> keys("column", "maxBins", "binning", "sumOf");
        case "minLength", "maxLength" -> keys("column", "nulls");
        default -> keys("column");
      };
      ANALYZERS.put(n, new Def(Shorthand.COLUMN, k, keys("column"), a -> (columnAnalyzer(n, a))));
    }
    for (String n : List.of("uniqueness", "distinctness", "uniqueValueRatio", "countDistinct")) {
      ANALYZERS.put(n, new Def(Shorthand.COLUMNS, keys("columns"), keys("columns"), a -> {
        List<String> cols = a.strings("columns");
        return (switch (n) {
          case "uniqueness" -> new Analyzer.Uniqueness(cols, null);
          case "distinctness" -> new Analyzer.Distinctness(cols, null);
          case "uniqueValueRatio" -> new Analyzer.UniqueValueRatio(cols, null);
          default -> new Analyzer.CountDistinct(cols, null);
        });
      }));
    }
    ANALYZERS.put("approxQuantile", new Def(Shorthand.NONE, keys("column", "quantile", "relativeError"),
        keys("column", "quantile"), a -> (new Analyzer.ApproxQuantile(a.requiredString("column"),
            a.number("quantile"), a.has("relativeError") ? a.number("relativeError")
            : Analyzer.ApproxQuantile.DEFAULT_RELATIVE_ERROR, null))));
    ANALYZERS.put("approxQuantiles", new Def(Shorthand.NONE, keys("column", "quantiles", "relativeError"),
        keys("column", "quantiles"), a -> {
          List<Double> qs = new ArrayList<>();
          for (String q : a.strings("quantiles")) {
            try {
              qs.add(Double.parseDouble(q));
            } catch (NumberFormatException e) {
              throw a.error("quantiles", "expected numbers between 0 and 1, got '" + q + "'");
            }
          }
          return (new Analyzer.ApproxQuantiles(a.requiredString("column"), qs, a.has("relativeError")
              ? a.number("relativeError") : Analyzer.ApproxQuantile.DEFAULT_RELATIVE_ERROR, null));
        }));
    analyzer("columnCount", Shorthand.NONE, keys(), c -> Analyzer.columnCount());
    ANALYZERS.put("columnExists", new Def(Shorthand.COLUMN, keys("column"), keys("column"),
        a -> (Analyzer.columnExists(a.requiredString("column")))));
    ANALYZERS.put("duplicateRowCount", new Def(Shorthand.COLUMNS, keys("columns"), keys(),
        a -> (new Analyzer.DuplicateRowCount(a.has("columns") ? a.strings("columns") : List.of(), null))));
    ANALYZERS.put("exactQuantile", new Def(Shorthand.NONE, keys("column", "quantile"), keys("column", "quantile"),
        a -> (Analyzer.exactQuantile(a.requiredString("column"), a.number("quantile")))));
    ANALYZERS.put("kllSketch", new Def(Shorthand.COLUMN, keys("column", "sketchSize", "buckets", "quantiles"),
        keys("column"), a -> {
          Analyzer.KllSketch k = Analyzer.kllSketch(a.requiredString("column"));
          double[] qs = a.has("quantiles") ? numbers(a, "quantiles").stream().mapToDouble(Double::doubleValue).toArray()
              : k.quantiles().stream().mapToDouble(Double::doubleValue).toArray();
          return k.with(a.has("sketchSize") ? wholeNumber(a, "sketchSize") : k.sketchSize(),
              a.has("buckets") ? wholeNumber(a, "buckets") : k.buckets(), qs);
        }));
    ANALYZERS.put("ratioOfSums", new Def(Shorthand.NONE, keys("numerator", "denominator"), keys("numerator", "denominator"),
        a -> (Analyzer.ratioOfSums(a.requiredString("numerator"), a.requiredString("denominator")))));
    ANALYZERS.put("customSql", new Def(Shorthand.NONE, keys("query", "name"), keys("query"),
        a -> (new Analyzer.CustomSql(a.requiredString("query"), a.string("name")))));
    ANALYZERS.put("datasetMatch", new Def(Shorthand.NONE, keys("table", "keys", "compare"), keys("table", "keys"),
        a -> (datasetMatch(a))));
    ANALYZERS.put("histogramBinned", new Def(Shorthand.NONE, keys("column", "binCount", "edges", "overflow"),
        keys("column"), a -> {
          if (a.has("binCount") == a.has("edges")) {
            throw a.error(null, "histogramBinned needs exactly one of 'binCount' (bins of equal width) or 'edges'");
          }
          Integer bins = a.has("binCount") ? wholeNumber(a, "binCount") : null;
          List<Double> edges = a.has("edges") ? numbers(a, "edges") : null;
          return (new Analyzer.HistogramBinned(a.requiredString("column"), bins, edges, a.bool("overflow", false), null));
        }));
    ANALYZERS.put("compliance", new Def(Shorthand.NONE, keys("name", "predicate"), keys("predicate"),
        a -> (Analyzer.compliance(a.string("name"), a.requiredString("predicate")))));
    ANALYZERS.put("patternMatch", new Def(Shorthand.NONE, keys("column", "pattern"), keys("column", "pattern"),
        a -> (Analyzer.patternMatch(a.requiredString("column"), a.requiredString("pattern")))));
    ANALYZERS.put("mutualInformation", new Def(Shorthand.COLUMNS, keys("columns"), keys("columns"), a -> {
      List<String> cols = two(a, "columns");
      return (Analyzer.mutualInformation(cols.get(0), cols.get(1)));
    }));
    ANALYZERS.put("correlation", new Def(Shorthand.COLUMNS, keys("columns"), keys("columns"), a -> {
      List<String> cols = two(a, "columns");
      return (Analyzer.correlation(cols.get(0), cols.get(1)));
    }));
  }

  private static void analyzer(String name, Shorthand s, Set<String> keys, Function<SuiteArgs, Analyzer> make) {
    ANALYZERS.put(name, new Def(s, keys, Set.of(), make));
  }

  private static Analyzer columnAnalyzer(String n, SuiteArgs a) {
    String col = a.requiredString("column");
    return switch (n) {
      case "completeness" -> Analyzer.completeness(col);
      case "approxCountDistinct" -> Analyzer.approxCountDistinct(col);
      case "minimum" -> Analyzer.minimum(col);
      case "maximum" -> Analyzer.maximum(col);
      case "mean" -> Analyzer.mean(col);
      case "sum" -> Analyzer.sum(col);
      case "standardDeviation" -> Analyzer.standardDeviation(col);
      case "variance" -> Analyzer.variance(col);
      case "skewness" -> Analyzer.skewness(col);
      case "kurtosis" -> Analyzer.kurtosis(col);
      case "zerosCount" -> Analyzer.zerosCount(col);
      case "interquartileRange" -> Analyzer.interquartileRange(col);
      case "minLength" -> Analyzer.minLength(col).withNulls(a.nulls("nulls"));
      case "maxLength" -> Analyzer.maxLength(col).withNulls(a.nulls("nulls"));
      case "entropy" -> Analyzer.entropy(col);
      case "dataType" -> Analyzer.dataType(col);
      default -> {
        Double bins = a.number("maxBins");
        if (bins != null && (bins < 1 || bins != Math.rint(bins))) {
          throw a.error("maxBins", "expected a whole number of at least 1, got " + bins);
        }
        yield new Analyzer.Histogram(col, bins == null ? Analyzer.Histogram.DEFAULT_MAX_BINS : bins.intValue(),
            a.string("binning"), a.string("sumOf"), null);
      }
    };
  }

  /** A data set match against a table of the session: {@code {table: t, keys: {id: id}, compare: {...}}}. */
  private static Analyzer.DatasetMatch datasetMatch(SuiteArgs a) {
    Map<String, String> compare = a.stringMap("compare");
    return new Analyzer.DatasetMatch(null, a.requiredString("table"), a.stringMap("keys"), compare);
  }

  private static int wholeNumber(SuiteArgs a, String key) {
    Double d = a.number(key);
    if (d == null || d != Math.rint(d) || d < 1) {
      throw a.error(key, "expected a whole number of at least 1, got " + d);
    }
    return d.intValue();
  }

  private static List<Double> numbers(SuiteArgs a, String key) {
    List<Double> out = new ArrayList<>();
    for (String v : a.strings(key)) {
      try {
        out.add(Double.parseDouble(v));
      } catch (NumberFormatException e) {
        throw a.error(key, "expected numbers, got '" + v + "'");
      }
    }
    return out;
  }

  /**
   * One constraint entry of a suite file, written through the vocabulary: the word must be a
   * constraint and the arguments its keys (with every required one), so what is written loads.
   * Shorthand where the word has it ({@code isComplete: id}), else a flow mapping.
   *
   * @throws IllegalArgumentException for an unknown word, an unknown key or a missing required key
   */
  static String entry(String word, Map<String, ?> args) {
    Def def = CONSTRAINTS.get(word);
    if (def == null) {
      throw new IllegalArgumentException("unknown constraint '" + word + "'");
    }
    Set<String> accepted = new HashSet<>(def.keys());
    accepted.addAll(COMMON);
    for (String k : args.keySet()) {
      if (!accepted.contains(k)) {
        throw new IllegalArgumentException(word + " takes no key '" + k + "'; accepted: " + new TreeSet<>(accepted));
      }
    }
    for (String k : def.required()) {
      if (!args.containsKey(k)) {
        throw new IllegalArgumentException(word + " needs '" + k + "'");
      }
    }
    if (def.shorthand() == Shorthand.COLUMN && args.size() == 1 && args.containsKey("column")) {
      return word + ": " + yamlValue(args.get("column"));
    }
    List<String> pairs = new ArrayList<>();
    args.forEach((k, v) -> pairs.add(k + ": " + yamlValue(v)));
    return word + ": {" + String.join(", ", pairs) + "}";
  }

  private static String yamlValue(Object v) {
    if (v instanceof List<?> l) {
      return "[" + String.join(", ", l.stream().map(Suite::yamlValue).toList()) + "]";
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString((long) d) : Double.toString(d);
    }
    return yaml(String.valueOf(v));
  }

  /** A YAML scalar: double-quoted (JSON style) unless plainly safe. */
  static String yaml(String s) {
    if (s.matches("[A-Za-z_][A-Za-z0-9_]*") && !s.matches("(?i)true|false|yes|no|on|off|null|y|n")) {
      return s;
    }
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static final String VOCABULARY_BEGIN = "<!-- suite vocabulary: generated from Suite, do not edit -->";
  static final String VOCABULARY_END = "<!-- end of suite vocabulary -->";

  /** The suite vocabulary as Markdown tables: every word, its shorthand and its keys (required in bold). */
  static String vocabularyMarkdown() {
    StringBuilder md = new StringBuilder(VOCABULARY_BEGIN).append("\n");
    for (var table : List.of(Map.entry("constraint", CONSTRAINTS), Map.entry("analyzer", ANALYZERS))) {
      md.append("\n| ").append(table.getKey()).append(" | shorthand | keys |\n|---|---|---|\n");
      table.getValue().forEach((word, def) -> {
        List<String> keys = new ArrayList<>(new TreeSet<>(def.keys()));
        keys.sort(java.util.Comparator.comparing((String k) -> !def.required().contains(k)));
        String shorthand = switch (def.shorthand()) {
          case COLUMN -> "`" + word + ": <column>`";
          case COLUMNS -> "`" + word + ": [<column>, ...]`";
          case ASSERTION -> "`" + word + ": \"<assertion>\"`";
          case NONE -> def.keys().isEmpty() || def.required().isEmpty() ? "`" + word + "`" : "";
        };
        md.append("| `").append(word).append("` | ").append(shorthand).append(" | ")
            .append(String.join(", ", keys.stream().map(k -> def.required().contains(k) ? "**" + k + "**" : k).toList()))
            .append(" |\n");
      });
    }
    return md.append("\n").append(VOCABULARY_END).toString();
  }

  @Override
  public String toString() {
    int n = checks.stream().mapToInt(c -> c.constraints().size()).sum();
    return "suite '" + name + "' (" + file + "): " + checks.size() + " check(s), " + n + " constraint(s), "
        + analyzers.size() + " analyzer(s)";
  }
}
