package dev.lakeforge.quality.suite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.quality.Analyzer;
import dev.lakeforge.quality.AnomalyStrategy;
import dev.lakeforge.quality.Check;
import dev.lakeforge.quality.Constraint;
import dev.lakeforge.quality.Suite;
import java.nio.file.Path;
import java.util.ArrayList;
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

/**
 * Reads suite files for {@link Suite} through the {@link Vocabulary}, and writes entries and the
 * vocabulary's documentation from it. Internal: use {@code Suite.load(path)}; this class is public
 * only so that the quality package can reach it.
 */
public final class SuiteFiles {
  private SuiteFiles() {}

  private static final Set<String> TOP =
      Set.of("name", "description", "checks", "analyzers", "anomalies");
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

  private static final Set<String> CHECK_KEYS = Set.of("description", "level", "constraints");

  /**
   * A suite file as read.
   *
   * @param entries each constraint and analyzer as written, for checking them against data
   * @param config the file, for errors located at its lines
   */
  public record Read(
      String name,
      List<Check> checks,
      List<Analyzer> analyzers,
      List<Suite.Anomaly> anomalies,
      List<Entry> entries,
      Config config) {
    public Read {
      checks = List.copyOf(checks);
      analyzers = List.copyOf(analyzers);
      anomalies = List.copyOf(anomalies);
      entries = List.copyOf(entries);
    }
  }

  /**
   * A constraint or analyzer as written: where it is, the columns and predicates it names, what it
   * measures.
   */
  public record Entry(
      String path,
      String name,
      List<String> columns,
      List<String> predicates,
      List<Analyzer> analyzers) {}

  /** The names a suite file accepts as constraints (Deequ's and Great Expectations' names). */
  public static Set<String> constraintNames() {
    return new TreeSet<>(Vocabulary.CONSTRAINTS.keySet());
  }

  /** The names a suite file accepts as analyzers. */
  public static Set<String> analyzerNames() {
    return new TreeSet<>(Vocabulary.ANALYZERS.keySet());
  }

  /** See {@link VocabularyText#entry}: one constraint entry written through the vocabulary. */
  public static String entry(String word, Map<String, ?> args) {
    return VocabularyText.entry(word, args);
  }

  /** A YAML scalar: double-quoted (JSON style) unless plainly safe. */
  public static String yaml(String s) {
    return VocabularyText.yaml(s);
  }

  /**
   * The vocabulary as Markdown tables, between {@link #VOCABULARY_BEGIN} and {@link
   * #VOCABULARY_END}.
   */
  public static String vocabularyMarkdown() {
    return VocabularyText.markdown();
  }

  public static final String VOCABULARY_BEGIN = VocabularyText.VOCABULARY_BEGIN;
  public static final String VOCABULARY_END = VocabularyText.VOCABULARY_END;

  /**
   * Reads and validates a suite file.
   *
   * @throws ConfigException naming file:line, key path and the accepted values
   */
  public static Read read(Path file) {
    Config config = Config.file(file).load();
    config.requireOnlySections(TOP);
    JsonNode root = config.bind("", JsonNode.class);
    String name = root.has("name") ? root.get("name").asText() : file.getFileName().toString();
    List<Entry> entries = new ArrayList<>();
    List<Check> checks =
        readList(config, root, "checks", "checks", (at, n) -> readCheck(config, at, n, entries));
    List<Analyzer> analyzers =
        readList(
            config,
            root,
            "analyzers",
            "analyzers",
            (at, n) -> readAnalyzer(config, at, n, entries));
    List<Suite.Anomaly> anomalies =
        readList(
            config,
            root,
            "anomalies",
            "anomaly checks",
            (at, n) -> readAnomaly(config, at, n, entries));
    if (checks.isEmpty() && analyzers.isEmpty() && anomalies.isEmpty()) {
      throw new ConfigException(
          file
              + ": the suite has no checks, analyzers or anomalies; add 'checks:' or 'analyzers:'");
    }
    return new Read(name, checks, analyzers, anomalies, entries, config);
  }

  /**
   * The top-level list {@code key}, each entry read with its key path ({@code key[i]}); empty when
   * absent.
   */
  private static <T> List<T> readList(
      Config config, JsonNode root, String key, String what, BiFunction<String, JsonNode, T> read) {
    List<T> out = new ArrayList<>();
    JsonNode node = root.get(key);
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      throw config.errorAt(key, "expected a list of " + what + ", got " + Config.describe(node));
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

  private static Suite.Anomaly readAnomaly(
      Config config, String path, JsonNode node, List<Entry> entries) {
    SuiteArgs args = new SuiteArgs(config, path, "an anomaly check", node);
    if (!args.isMap()) {
      throw args.error(
          null,
          "expected an anomaly check (a mapping with analyzer, strategy and level), got "
              + Config.describe(node));
    }
    args.requireKeys(ANOMALY_KEYS, Set.of("analyzer", "strategy"));
    Analyzer analyzer = readAnalyzer(config, path + ".analyzer", node.get("analyzer"), entries);
    Check.Level level = level(args, Check.Level.WARNING);
    return new Suite.Anomaly(
        analyzer, readStrategy(config, path + ".strategy", node.get("strategy")), level);
  }

  private static AnomalyStrategy readStrategy(Config config, String path, JsonNode node) {
    Named<List<String>> n = named(config, path, node, "strategy", STRATEGIES, STRATEGIES.keySet());
    String name = n.name();
    List<String> params = n.def();
    String at = n.at();
    JsonNode value = n.value();
    if (params.isEmpty()) {
      if (value != null && !value.isNull() && !(value.isObject() && value.isEmpty())) {
        throw config.errorAt(at, name + " takes no parameters, got " + Config.describe(value));
      }
    } else if (value == null || !value.isObject()) {
      throw config.errorAt(
          at,
          name
              + " needs "
              + String.join(" and ", params)
              + ", e.g. '"
              + name
              + ": {"
              + String.join(": ..., ", params)
              + ": ...}'");
    }
    SuiteArgs args = new SuiteArgs(config, at, name, value);
    if (!params.isEmpty()) {
      args.requireKeys(Set.copyOf(params), Set.copyOf(params));
    }
    Function<String, Double> p = args::number;
    try {
      return switch (name) {
        case "simpleThresholds" ->
            AnomalyStrategy.simpleThresholds(p.apply("lower"), p.apply("upper"));
        case "absoluteChange" ->
            AnomalyStrategy.absoluteChange(p.apply("maxDecrease"), p.apply("maxIncrease"));
        case "relativeRateOfChange" ->
            AnomalyStrategy.relativeRateOfChange(
                p.apply("maxRateDecrease"), p.apply("maxRateIncrease"));
        case "onlineNormal" -> AnomalyStrategy.onlineNormal();
        case "batchNormal" -> AnomalyStrategy.batchNormal();
        case "rollingZScore" ->
            AnomalyStrategy.rollingZScore(args.positiveInt("window"), p.apply("threshold"));
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
      throw args.error(
          null,
          "expected a check (a mapping with description, level, constraints), got "
              + Config.describe(node));
    }
    args.requireKeys(CHECK_KEYS, Set.of("description", "constraints"));
    Check check = Check.of(level(args, Check.Level.ERROR), args.requiredString("description"));
    JsonNode constraints = node.get("constraints");
    if (!constraints.isArray() || constraints.isEmpty()) {
      throw args.error(
          "constraints",
          "expected a non-empty list of constraints, got " + Config.describe(constraints));
    }
    for (int i = 0; i < constraints.size(); i++) {
      check =
          readConstraint(
              config, path + ".constraints[" + i + "]", constraints.get(i), check, entries);
    }
    return check;
  }

  private static Map.Entry<String, JsonNode> single(
      Config config, String path, JsonNode node, String what) {
    if (node.isTextual()) {
      return Map.entry(node.asText(), JsonNodeFactory.instance.nullNode());
    }
    if (!node.isObject() || node.size() != 1) {
      throw config.errorAt(
          path,
          "expected one "
              + what
              + " as a mapping with a single key (e.g. 'isComplete: id'), got "
              + (node.isObject() ? node.size() + " keys" : Config.describe(node)));
    }
    return node.fields().next();
  }

  /** One entry of a vocabulary, as written: its name, definition, key path and arguments. */
  private record Named<T>(String name, T def, String at, JsonNode value) {}

  /**
   * Reads {@code name} or {@code name: args} and looks the name up in {@code defs}, or fails
   * listing {@code accepted}.
   */
  private static <T> Named<T> named(
      Config config,
      String path,
      JsonNode node,
      String what,
      Map<String, T> defs,
      Collection<String> accepted) {
    Map.Entry<String, JsonNode> e = single(config, path, node, what);
    String name = e.getKey();
    String at = node.isTextual() ? path : path + "." + name;
    T def = defs.get(name);
    if (def == null) {
      throw config.errorAt(
          at,
          "unknown "
              + what
              + " '"
              + name
              + "'"
              + Config.suggest(name, defs.keySet())
              + "; accepted: "
              + String.join(", ", accepted));
    }
    return new Named<>(name, def, at, e.getValue());
  }

  /** The check with the constraint(s) one entry adds, its filter and hint applied to each. */
  private static Check readConstraint(
      Config config, String path, JsonNode node, Check check, List<Entry> entries) {
    Named<Vocabulary.Def> n =
        named(config, path, node, "constraint", Vocabulary.CONSTRAINTS, constraintNames());
    String name = n.name();
    Vocabulary.Def def = n.def();
    String at = n.at();
    SuiteArgs args = normalised(config, at, name, def, n.value());
    int before = check.constraints().size();
    Check next;
    try {
      next = Vocabulary.scoped(def.add().apply(check, args), args);
    } catch (IllegalArgumentException ex) {
      throw args.error(null, ex.getMessage());
    }
    List<Analyzer> measured =
        next.constraints().subList(before, next.constraints().size()).stream()
            .map(Constraint::analyzer)
            .filter(Objects::nonNull)
            .toList();
    entries.add(new Entry(at, name, columnsOf(name, args), predicatesOf(args), measured));
    return next;
  }

  private static Analyzer readAnalyzer(
      Config config, String path, JsonNode node, List<Entry> entries) {
    Named<Vocabulary.Def> n =
        named(config, path, node, "analyzer", Vocabulary.ANALYZERS, analyzerNames());
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
  private static SuiteArgs normalised(
      Config config, String at, String name, Vocabulary.Def def, JsonNode value) {
    JsonNode node = value;
    boolean operatorMap =
        def.shorthand() == Vocabulary.Shorthand.ASSERTION
            && value != null
            && value.isObject()
            && value.size() == 1
            && Vocabulary.ASSERTION_OPERATORS.contains(value.fieldNames().next());
    if (value == null || value.isNull() || !value.isObject() || operatorMap) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      boolean empty = value == null || value.isNull();
      switch (def.shorthand()) {
        case COLUMN -> {
          if (empty || !value.isValueNode()) {
            throw config.errorAt(
                at,
                name
                    + " needs a column: write '"
                    + name
                    + ": <column>' or '"
                    + name
                    + ": {column: <column>}'");
          }
          o.set("column", value);
        }
        case COLUMNS -> {
          if (empty && !def.required().contains("columns")) {
            break;
          }
          if (empty || !value.isArray()) {
            throw config.errorAt(
                at, name + " needs a list of columns: write '" + name + ": [a, b]'");
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
            throw config.errorAt(
                at,
                name
                    + " takes a mapping of "
                    + String.join(", ", new TreeSet<>(def.keys()))
                    + ", got "
                    + Config.describe(value));
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

  /**
   * The columns an entry names, which the data must have (a column whose existence is the question
   * need not).
   */
  private static List<String> columnsOf(String entry, SuiteArgs a) {
    List<String> out = new ArrayList<>();
    if (entry.equals("columnExists") || entry.equals("hasColumn")) {
      return out;
    }
    for (String k :
        List.of("column", "column_A", "column_B", "numerator", "denominator", "sumOf")) {
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
}
