package dev.lakeforge.quality.suite;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.quality.Analyzer;
import dev.lakeforge.quality.Assertion;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The arguments of one suite entry. Values are typed by the config binder ({@link
 * Config#bind(String, JsonNode, Class)}), the one that types job configs, so a suite and a job
 * config take the same values and fail with the same words, located at file:line and key path.
 */
final class SuiteArgs {
  private final Config config;
  final String path;
  final String entry;
  final JsonNode node;

  SuiteArgs(Config config, String path, String entry, JsonNode node) {
    this.config = config;
    this.path = path;
    this.entry = entry;
    this.node = node;
  }

  ConfigException error(String key, String problem) {
    return config.errorAt(key == null ? path : path + "." + key, problem);
  }

  boolean isMap() {
    return node != null && node.isObject();
  }

  /** Fails on keys outside {@code accepted} and on missing {@code required} keys. */
  void requireKeys(Set<String> accepted, Set<String> required) {
    if (!isMap()) {
      return;
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String k = names.next();
      if (!accepted.contains(k)) {
        throw error(
            k,
            "unknown key '"
                + k
                + "' for "
                + entry
                + Config.suggest(k, accepted)
                + "; accepted keys: "
                + String.join(", ", new TreeSet<>(accepted)));
      }
    }
    for (String r : required) {
      if (!node.has(r) || node.get(r).isNull()) {
        throw error(
            null,
            entry
                + " needs '"
                + r
                + "'; accepted keys: "
                + String.join(", ", new TreeSet<>(accepted)));
      }
    }
  }

  JsonNode get(String key) {
    return isMap() ? node.get(key) : null;
  }

  boolean has(String key) {
    JsonNode v = get(key);
    return v != null && !v.isNull();
  }

  private String at(String key) {
    return path + "." + key;
  }

  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<List<Double>> NUMBERS = new TypeReference<>() {};

  /** The value under {@code key} bound to {@code type}; null when absent. */
  private <T> T bound(String key, Class<T> type) {
    JsonNode v = get(key);
    return v == null || v.isNull() ? null : config.bind(at(key), v, type);
  }

  /** A non-empty list under {@code key} without nulls; null when absent. */
  private <T> List<T> list(String key, TypeReference<List<T>> type, String what) {
    JsonNode v = get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    List<T> values = config.bind(at(key), v, type);
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == null) {
        throw error(key + "[" + i + "]", "expected " + what + ", got null");
      }
    }
    if (values.isEmpty()) {
      throw error(key, "expected at least one value, got an empty list");
    }
    return List.copyOf(values);
  }

  String string(String key) {
    return bound(key, String.class);
  }

  String requiredString(String key) {
    String s = string(key);
    if (s == null || s.isBlank()) {
      throw error(key, entry + " needs '" + key + "' (a string)");
    }
    return s;
  }

  Double number(String key) {
    return bound(key, Double.class);
  }

  boolean bool(String key, boolean fallback) {
    Boolean b = bound(key, Boolean.class);
    return b == null ? fallback : b;
  }

  /** A non-empty list of strings under {@code key}; null when absent. */
  List<String> strings(String key) {
    return list(key, STRINGS, "a string");
  }

  /** A non-empty list of numbers under {@code key}; null when absent. */
  List<Double> numbers(String key) {
    return list(key, NUMBERS, "a number");
  }

  /** A whole number of at least 1 under {@code key}; null when absent. */
  Integer positiveInt(String key) {
    Integer n = bound(key, Integer.class);
    if (n != null && n < 1) {
      throw error(key, "expected a whole number of at least 1, got " + n);
    }
    return n;
  }

  /**
   * A mapping of strings to strings under {@code key} (e.g. key columns), in order; null when
   * absent.
   */
  Map<String, String> stringMap(String key) {
    JsonNode v = get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject() || v.isEmpty()) {
      throw error(
          key,
          "expected a mapping of column to column (e.g. {id: order_id}), got "
              + Config.describe(v));
    }
    Map<String, String> out = new LinkedHashMap<>();
    Iterator<String> names = v.fieldNames();
    while (names.hasNext()) {
      String k = names.next();
      String value = config.bind(at(key) + "." + k, v.get(k), String.class);
      if (value == null) {
        throw error(key + "." + k, "expected a column name, got null");
      }
      out.put(k, value);
    }
    return out;
  }

  /** The null handling under {@code key}: ignore (the default), emptyString or fail. */
  Analyzer.NullBehavior nulls(String key) {
    String v = string(key);
    if (v == null) {
      return Analyzer.NullBehavior.IGNORE;
    }
    return switch (v.replace("_", "").toLowerCase(Locale.ROOT)) {
      case "ignore" -> Analyzer.NullBehavior.IGNORE;
      case "emptystring" -> Analyzer.NullBehavior.EMPTY_STRING;
      case "fail" -> Analyzer.NullBehavior.FAIL;
      default -> throw error(key, "expected ignore, emptyString or fail, got '" + v + "'");
    };
  }

  /** The assertion under {@code key}: ">= 0.99", a number, {between: [a, b]}, {equals: x}, ... */
  Assertion assertion(String key, Assertion fallback) {
    JsonNode v = get(key);
    if (v == null || v.isNull()) {
      if (fallback == null) {
        throw error(null, entry + " needs '" + key + "', e.g. " + key + ": \">= 0.99\"");
      }
      return fallback;
    }
    try {
      return parseAssertion(v);
    } catch (IllegalArgumentException e) {
      throw error(key, e.getMessage());
    }
  }

  static Assertion parseAssertion(JsonNode v) {
    if (v.isNumber()) {
      return Assertion.equalTo(v.asDouble());
    }
    if (v.isTextual()) {
      return Assertion.parse(v.asText());
    }
    if (v.isObject() && v.size() == 1) {
      String op = v.fieldNames().next();
      JsonNode arg = v.get(op);
      switch (op) {
        case "between" -> {
          if (arg.isArray() && arg.size() == 2 && arg.get(0).isNumber() && arg.get(1).isNumber()) {
            return Assertion.between(arg.get(0).asDouble(), arg.get(1).asDouble());
          }
          throw new IllegalArgumentException(
              "malformed assertion: between needs two numbers, e.g. between: [0, 1]");
        }
        case "equals", "atLeast", "atMost", "greaterThan", "lessThan" -> {
          if (!arg.isNumber()) {
            throw new IllegalArgumentException(
                "malformed assertion: " + op + " needs a number, got " + Config.describe(arg));
          }
          double x = arg.asDouble();
          return switch (op) {
            case "equals" -> Assertion.equalTo(x);
            case "atLeast" -> Assertion.atLeast(x);
            case "atMost" -> Assertion.atMost(x);
            case "greaterThan" -> Assertion.greaterThan(x);
            default -> Assertion.lessThan(x);
          };
        }
        default -> {}
      }
    }
    throw new IllegalArgumentException(
        "malformed assertion "
            + Config.describe(v)
            + ": expected \">= 0.99\", \"> 0\", \"== 1\","
            + " \"<= 10\", \"< 5\", \"!= 0\", a number, {between: [low, high]}, {equals: x}, {atLeast: x}, {atMost: x},"
            + " {greaterThan: x} or {lessThan: x}");
  }

  /** GE's min_value / max_value (either may be absent) with strict bounds, as an assertion. */
  Assertion range() {
    Double lo = number("min_value");
    Double hi = number("max_value");
    if (lo == null && hi == null) {
      throw error(null, entry + " needs min_value, max_value or both");
    }
    boolean strictMin = bool("strict_min", false);
    boolean strictMax = bool("strict_max", false);
    Assertion low =
        lo == null ? null : strictMin ? Assertion.greaterThan(lo) : Assertion.atLeast(lo);
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

  /** GE's {@code mostly}: the fraction of rows that must pass (all when absent). */
  Assertion mostly() {
    Double m = number("mostly");
    if (m == null) {
      return Assertion.equalTo(1);
    }
    if (m < 0 || m > 1) {
      throw error("mostly", "expected a fraction between 0 and 1, got " + m);
    }
    return Assertion.atLeast(m);
  }
}
