package dev.lakeforge.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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
    return new TreeSet<>(Vocabulary.CONSTRAINTS.keySet());
  }

  /** The names a suite file accepts as analyzers. */
  public static Set<String> analyzerNames() {
    return new TreeSet<>(Vocabulary.ANALYZERS.keySet());
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
      BiFunction<String, JsonNode, T> read) {
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
    Function<String, Double> p = args::number;
    try {
      return switch (name) {
        case "simpleThresholds" -> AnomalyStrategy.simpleThresholds(p.apply("lower"), p.apply("upper"));
        case "absoluteChange" -> AnomalyStrategy.absoluteChange(p.apply("maxDecrease"), p.apply("maxIncrease"));
        case "relativeRateOfChange" -> AnomalyStrategy.relativeRateOfChange(p.apply("maxRateDecrease"),
            p.apply("maxRateIncrease"));
        case "onlineNormal" -> AnomalyStrategy.onlineNormal();
        case "batchNormal" -> AnomalyStrategy.batchNormal();
        case "rollingZScore" -> AnomalyStrategy.rollingZScore(args.positiveInt("window"), p.apply("threshold"));
        case "holtWintersDaily" -> AnomalyStrategy.holtWintersDaily();
        default -> AnomalyStrategy.holtWintersWeekly();
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
      Collection<String> accepted) {
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
    Named<Vocabulary.Def> n = named(config, path, node, "constraint", Vocabulary.CONSTRAINTS, constraintNames());
    String name = n.name();
    Vocabulary.Def def = n.def();
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
        .map(Constraint::analyzer).filter(Objects::nonNull).toList();
    entries.add(new Entry(at, name, columnsOf(name, args), predicatesOf(args), measured));
    return next;
  }

  private static Analyzer readAnalyzer(Config config, String path, JsonNode node, List<Entry> entries) {
    Named<Vocabulary.Def> n = named(config, path, node, "analyzer", Vocabulary.ANALYZERS, analyzerNames());
    String name = n.name();
    Vocabulary.Def def = n.def();
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
  private static SuiteArgs normalised(Config config, String at, String name, Vocabulary.Def def, JsonNode value) {
    JsonNode node = value;
    boolean operatorMap = def.shorthand() == Vocabulary.Shorthand.ASSERTION && value != null && value.isObject() && value.size() == 1
        && Vocabulary.ASSERTION_OPERATORS.contains(value.fieldNames().next());
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
    keys.addAll(Vocabulary.COMMON);
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

  @Override
  public String toString() {
    int n = checks.stream().mapToInt(c -> c.constraints().size()).sum();
    return "suite '" + name + "' (" + file + "): " + checks.size() + " check(s), " + n + " constraint(s), "
        + analyzers.size() + " analyzer(s)";
  }
}
