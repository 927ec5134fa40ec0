package dev.lakeforge.quality.suite;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Suite text written from the {@link Vocabulary}: one constraint entry (what {@code Suggestions}
 * writes), a YAML scalar, and the vocabulary tables of docs/quality.md. What is written loads,
 * because it goes through the same table that reads it.
 */
final class VocabularyText {
  private VocabularyText() {}

  /**
   * One constraint entry of a suite file, written through the vocabulary: the word must be a
   * constraint and the arguments its keys (with every required one), so what is written loads.
   * Shorthand where the word has it ({@code isComplete: id}), else a flow mapping.
   *
   * @throws IllegalArgumentException for an unknown word, an unknown key or a missing required key
   */
  static String entry(String word, Map<String, ?> args) {
    Vocabulary.Def def = Vocabulary.CONSTRAINTS.get(word);
    if (def == null) {
      throw new IllegalArgumentException("unknown constraint '" + word + "'");
    }
    Set<String> accepted = new HashSet<>(def.keys());
    accepted.addAll(Vocabulary.COMMON);
    for (String k : args.keySet()) {
      if (!accepted.contains(k)) {
        throw new IllegalArgumentException(
            word + " takes no key '" + k + "'; accepted: " + new TreeSet<>(accepted));
      }
    }
    for (String k : def.required()) {
      if (!args.containsKey(k)) {
        throw new IllegalArgumentException(word + " needs '" + k + "'");
      }
    }
    if (def.shorthand() == Vocabulary.Shorthand.COLUMN
        && args.size() == 1
        && args.containsKey("column")) {
      return word + ": " + yamlValue(args.get("column"));
    }
    List<String> pairs = new ArrayList<>();
    args.forEach((k, v) -> pairs.add(k + ": " + yamlValue(v)));
    return word + ": {" + String.join(", ", pairs) + "}";
  }

  private static String yamlValue(Object v) {
    if (v instanceof List<?> l) {
      return "[" + String.join(", ", l.stream().map(VocabularyText::yamlValue).toList()) + "]";
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return d == Math.rint(d) && !Double.isInfinite(d)
          ? Long.toString((long) d)
          : Double.toString(d);
    }
    return yaml(String.valueOf(v));
  }

  /** A YAML scalar: double-quoted (JSON style) unless plainly safe. */
  static String yaml(String s) {
    if (s.matches("[A-Za-z_][A-Za-z0-9_]*")
        && !s.matches("(?i)true|false|yes|no|on|off|null|y|n")) {
      return s;
    }
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static final String VOCABULARY_BEGIN =
      "<!-- suite vocabulary: generated from Suite, do not edit -->";
  static final String VOCABULARY_END = "<!-- end of suite vocabulary -->";

  /**
   * The suite vocabulary as Markdown tables: every word, its shorthand and its keys (required in
   * bold).
   */
  static String markdown() {
    StringBuilder md = new StringBuilder(VOCABULARY_BEGIN).append("\n");
    for (var table :
        List.of(
            Map.entry("constraint", Vocabulary.CONSTRAINTS),
            Map.entry("analyzer", Vocabulary.ANALYZERS))) {
      md.append("\n| ").append(table.getKey()).append(" | shorthand | keys |\n|---|---|---|\n");
      table
          .getValue()
          .forEach(
              (word, def) -> {
                List<String> keys = new ArrayList<>(new TreeSet<>(def.keys()));
                keys.sort(Comparator.comparing((String k) -> !def.required().contains(k)));
                String shorthand =
                    switch (def.shorthand()) {
                      case COLUMN -> "`" + word + ": <column>`";
                      case COLUMNS -> "`" + word + ": [<column>, ...]`";
                      case ASSERTION -> "`" + word + ": \"<assertion>\"`";
                      case NONE ->
                          def.keys().isEmpty() || def.required().isEmpty() ? "`" + word + "`" : "";
                    };
                md.append("| `")
                    .append(word)
                    .append("` | ")
                    .append(shorthand)
                    .append(" | ")
                    .append(
                        String.join(
                            ", ",
                            keys.stream()
                                .map(k -> def.required().contains(k) ? "**" + k + "**" : k)
                                .toList()))
                    .append(" |\n");
              });
    }
    return md.append("\n").append(VOCABULARY_END).toString();
  }
}
