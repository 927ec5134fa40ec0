package dev.lakeforge.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lakeforge.core.Location;
import dev.lakeforge.core.SparkSettings;
import dev.lakeforge.core.config.Secret;
import dev.lakeforge.core.job.CostSettings;
import dev.lakeforge.core.job.LoggingSettings;
import dev.lakeforge.core.job.MetricsSettings;
import dev.lakeforge.core.job.RunSettings;
import dev.lakeforge.core.job.SessionContributor;
import dev.lakeforge.core.job.SparkJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The configuration reference of docs/configuration.md, generated from the settings records every
 * config section binds to: each key with its type and the text of its {@code @param} in the
 * record's Javadoc. A key added to a record shows in the docs; a stale doc fails the build.
 */
final class ConfigReference {
  static final String BEGIN =
      "<!-- BEGIN generated: the configuration reference (ConfigReferenceTest) -->";
  static final String END = "<!-- END generated -->";
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Pattern PARAM =
      Pattern.compile("@param\\s+(\\w+)\\s+(.*?)(?=\\n\\s*\\*\\s*@|\\z)", Pattern.DOTALL);

  private ConfigReference() {}

  /** Every section: Lakeforge's own, the contributors', then each job's, by name. */
  static String markdown() {
    Map<String, Class<? extends Record>> sections = new LinkedHashMap<>();
    sections.put("spark", SparkSettings.class);
    sections.put("run", RunSettings.class);
    sections.put("cost", CostSettings.class);
    sections.put("metrics", MetricsSettings.class);
    sections.put("logging", LoggingSettings.class);
    List<SessionContributor> contributors = new ArrayList<>();
    ServiceLoader.load(SessionContributor.class).forEach(contributors::add);
    contributors.sort(Comparator.comparing(SessionContributor::section));
    for (SessionContributor c : contributors) {
      sections.put(c.namedEntries() ? c.section() + ".<name>" : c.section(), c.settingsType());
    }
    List<SparkJob> jobs = new ArrayList<>();
    ServiceLoader.load(SparkJob.class).forEach(jobs::add);
    jobs.sort(Comparator.comparing(SparkJob::name));
    for (SparkJob j : jobs) {
      if (j.settingsType() != null) {
        sections.put(j.name(), j.settingsType());
      }
    }
    StringBuilder out = new StringBuilder(BEGIN).append("\n");
    sections.forEach(
        (section, type) -> {
          out.append("\n### `").append(section).append(":`\n\n");
          out.append("| key | type | meaning |\n|---|---|---|\n");
          rows(type, "", out);
        });
    return out.append("\n").append(END).toString();
  }

  private static void rows(Class<?> record, String prefix, StringBuilder out) {
    Map<String, String> docs = params(record);
    for (RecordComponent c : record.getRecordComponents()) {
      String key = prefix + jsonName(c);
      Class<?> nested = nestedRecord(c.getGenericType());
      String doc = docs.getOrDefault(c.getName(), "");
      if (nested != null) {
        String list = List.class.isAssignableFrom(c.getType()) ? "[]" : "";
        out.append("| `")
            .append(key)
            .append(list)
            .append("` | ")
            .append(list.isEmpty() ? "mapping" : "list of mappings")
            .append(" | ")
            .append(doc)
            .append(" |\n");
        rows(nested, key + list + ".", out);
      } else {
        out.append("| `")
            .append(key)
            .append("` | ")
            .append(typeName(c.getGenericType()))
            .append(" | ")
            .append(doc)
            .append(" |\n");
      }
    }
  }

  private static String jsonName(RecordComponent c) {
    var p = c.getAccessor().getAnnotation(JsonProperty.class);
    return p != null ? p.value() : c.getName();
  }

  private static Class<?> nestedRecord(Type type) {
    if (type instanceof Class<?> c && c.isRecord()) {
      return c;
    }
    if (type instanceof ParameterizedType p
        && List.class.equals(p.getRawType())
        && p.getActualTypeArguments()[0] instanceof Class<?> e
        && e.isRecord()) {
      return e;
    }
    return null;
  }

  private static String typeName(Type type) {
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      if (Map.class.isAssignableFrom(raw)) {
        return "mapping";
      }
      if (List.class.isAssignableFrom(raw)) {
        Type e = p.getActualTypeArguments()[0];
        return e instanceof ParameterizedType ? "list of mappings" : "list of " + typeName(e) + "s";
      }
    }
    Class<?> c = (Class<?>) type;
    if (c == String.class) {
      return "string";
    }
    if (c == Integer.class || c == int.class || c == Long.class || c == long.class) {
      return "integer";
    }
    if (c == Double.class || c == double.class) {
      return "number";
    }
    if (c == Boolean.class || c == boolean.class) {
      return "true or false";
    }
    if (c == Location.class) {
      return "path or URI";
    }
    if (c == Secret.class) {
      return "secret";
    }
    if (c.isEnum()) {
      return Arrays.stream(c.getEnumConstants())
          .map(v -> v.toString().toLowerCase(Locale.ROOT))
          .collect(Collectors.joining(", "));
    }
    return c.getSimpleName();
  }

  /** The {@code @param} texts of a record's Javadoc, found in its source file. */
  static Map<String, String> params(Class<?> record) {
    Class<?> outer = record;
    while (outer.getEnclosingClass() != null) {
      outer = outer.getEnclosingClass();
    }
    String source = read(sourceOf(outer));
    Matcher at = Pattern.compile("record\\s+" + record.getSimpleName() + "\\s*\\(").matcher(source);
    if (!at.find()) {
      throw new IllegalStateException(
          "no record " + record.getSimpleName() + " in " + sourceOf(outer));
    }
    int end = source.lastIndexOf("*/", at.start());
    int start = source.lastIndexOf("/**", end);
    Map<String, String> params = new LinkedHashMap<>();
    if (start < 0 || end < 0) {
      return params;
    }
    Matcher m = PARAM.matcher(source.substring(start + 3, end));
    while (m.find()) {
      String text =
          m.group(2)
              .replaceAll("\\n\\s*\\*\\s?", " ")
              .replaceAll("\\{@(?:code|link|value)\\s+((?:[^{}]|\\{[^{}]*})*)}", "`$1`")
              .replace("|", "\\|")
              .replaceAll("\\s+", " ")
              .strip();
      params.put(m.group(1), text);
    }
    return params;
  }

  private static Path sourceOf(Class<?> type) {
    String relative = "src/main/java/" + type.getName().replace('.', '/') + ".java";
    try (Stream<Path> modules = Files.list(ROOT)) {
      return modules
          .map(m -> m.resolve(relative))
          .filter(Files::isRegularFile)
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no source for " + type.getName()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
