package dev.lakeforge.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A path to a value in a config tree, such as {@code spark.conf["spark.sql.shuffle.partitions"]} or
 * {@code checks[2].level}. Keys that contain dots are shown in brackets and quotes.
 */
public final class KeyPath {
  public static final KeyPath ROOT = new KeyPath(List.of());

  private final List<Object> segments; // String keys and Integer list indexes

  private KeyPath(List<Object> segments) {
    this.segments = segments;
  }

  /**
   * Parses a dotted path; a segment in double quotes may contain dots ({@code a."b.c".d}) and a
   * segment may end in list indexes ({@code checks[0].constraints[2]}).
   */
  public static KeyPath parse(String dotted) {
    if (dotted == null || dotted.isBlank()) {
      return ROOT;
    }
    List<Object> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    boolean bracketed = false; // just after a ["key.with.dots"] segment, as toString() writes them
    for (int i = 0; i < dotted.length(); i++) {
      char c = dotted.charAt(i);
      if (c == '[' && !quoted && dotted.startsWith("[\"", i)) {
        int end = dotted.indexOf("\"]", i + 2);
        if (end < 0) {
          throw new ConfigException("key path '" + dotted + "' has an unclosed [\"");
        }
        if (current.length() > 0) {
          addSegment(out, current.toString(), dotted);
          current.setLength(0);
        }
        out.add(dotted.substring(i + 2, end));
        i = end + 1;
        bracketed = true;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == '.' && !quoted) {
        if (!bracketed || current.length() > 0) {
          addSegment(out, current.toString(), dotted);
        }
        current.setLength(0);
        bracketed = false;
      } else {
        current.append(c);
      }
    }
    if (quoted) {
      throw new ConfigException("key path '" + dotted + "' has an unclosed double quote");
    }
    if (!bracketed || current.length() > 0) {
      addSegment(out, current.toString(), dotted);
    }
    return new KeyPath(Collections.unmodifiableList(out));
  }

  private static final Pattern INDEXED = Pattern.compile("([^\\[]*)((?:\\[\\d+])+)");

  private static void addSegment(List<Object> out, String segment, String whole) {
    if (segment.isEmpty()) {
      throw new ConfigException("key path '" + whole + "' has an empty segment");
    }
    Matcher m = INDEXED.matcher(segment);
    if (m.matches()) {
      if (!m.group(1).isEmpty()) {
        out.add(m.group(1));
      }
      for (String idx : m.group(2).substring(1, m.group(2).length() - 1).split("]\\[")) {
        out.add(Integer.parseInt(idx));
      }
      return;
    }
    out.add(segment);
  }

  public KeyPath child(String key) {
    List<Object> next = new ArrayList<>(segments);
    next.add(key);
    return new KeyPath(Collections.unmodifiableList(next));
  }

  public KeyPath index(int i) {
    List<Object> next = new ArrayList<>(segments);
    next.add(i);
    return new KeyPath(Collections.unmodifiableList(next));
  }

  public KeyPath resolve(KeyPath relative) {
    List<Object> next = new ArrayList<>(segments);
    next.addAll(relative.segments);
    return new KeyPath(Collections.unmodifiableList(next));
  }

  public KeyPath parent() {
    return segments.isEmpty() ? this : new KeyPath(segments.subList(0, segments.size() - 1));
  }

  /**
   * Whether a key on this path looks secret ({@link Redactor#isSecretKey}): values under it are
   * never shown.
   */
  public boolean isSecret() {
    return segments.stream().anyMatch(s -> s instanceof String k && Redactor.isSecretKey(k));
  }

  public boolean isRoot() {
    return segments.isEmpty();
  }

  public List<Object> segments() {
    return segments;
  }

  /** The last key of this path (empty for the root or a list index). */
  public String lastKey() {
    if (segments.isEmpty()) {
      return "";
    }
    Object last = segments.get(segments.size() - 1);
    return last instanceof String s ? s : "";
  }

  public boolean startsWith(KeyPath prefix) {
    return segments.size() >= prefix.segments.size()
        && segments.subList(0, prefix.segments.size()).equals(prefix.segments);
  }

  @Override
  public String toString() {
    if (segments.isEmpty()) {
      return "<top level>";
    }
    StringBuilder sb = new StringBuilder();
    for (Object s : segments) {
      if (s instanceof Integer i) {
        sb.append('[').append(i).append(']');
      } else {
        String key = (String) s;
        if (key.contains(".") || key.isEmpty() || key.contains(" ")) {
          sb.append("[\"").append(key).append("\"]");
        } else {
          if (sb.length() > 0) {
            sb.append('.');
          }
          sb.append(key);
        }
      }
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyPath k && k.segments.equals(segments);
  }

  @Override
  public int hashCode() {
    return Objects.hash(segments);
  }
}
