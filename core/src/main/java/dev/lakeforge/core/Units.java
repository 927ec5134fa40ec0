package dev.lakeforge.core;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints sizes ({@code 128m}, {@code 1.5t}, {@code 500GB}) and durations ({@code 90s},
 * {@code 1h30m}, {@code 28d}).
 */
public final class Units {
  private static final Pattern SIZE =
      Pattern.compile("(?i)\\s*(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(i?b)?\\s*");
  private static final Pattern DURATION =
      Pattern.compile(
          "(?i)(?:(\\d+)d)?\\s*(?:(\\d+)h)?\\s*(?:(\\d+)m(?!s))?\\s*(?:(\\d+)s)?\\s*(?:(\\d+)ms)?");

  private Units() {}

  /**
   * Bytes in a size: a number with an optional unit k, m, g, t or p (powers of 1024; {@code b},
   * {@code ib} allowed). A bare number is bytes.
   *
   * @throws IllegalArgumentException naming the text when it is not a size
   */
  public static long bytes(String text) {
    Matcher m = text == null ? null : SIZE.matcher(text);
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException(
          "expected a size such as 512m, 4g or 1.5t, got '" + text + "'");
    }
    double n = Double.parseDouble(m.group(1));
    int power = "kmgtp".indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1;
    return (long) (n * Math.pow(1024, power));
  }

  /**
   * A duration: {@code 500ms}, {@code 90s}, {@code 30m}, {@code 2h}, {@code 1h30m} or ISO-8601
   * {@code PT1H30M}.
   *
   * @throws IllegalArgumentException naming the text when it is not a duration
   */
  public static Duration duration(String text) {
    if (text != null && text.toUpperCase(Locale.ROOT).startsWith("PT")) {
      try {
        return Duration.parse(text.toUpperCase(Locale.ROOT));
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException(
            "expected an ISO-8601 duration such as PT30M, got '" + text + "'", e);
      }
    }
    Matcher m = text == null ? null : DURATION.matcher(text.trim());
    if (m == null || text.isBlank() || !m.matches()) {
      throw new IllegalArgumentException(
          "expected a duration such as 500ms, 90s, 30m, 2h, 1h30m or 28d, got '" + text + "'");
    }
    long s = 0;
    s += m.group(1) == null ? 0 : Long.parseLong(m.group(1)) * 86_400;
    s += m.group(2) == null ? 0 : Long.parseLong(m.group(2)) * 3600;
    s += m.group(3) == null ? 0 : Long.parseLong(m.group(3)) * 60;
    s += m.group(4) == null ? 0 : Long.parseLong(m.group(4));
    long ms = m.group(5) == null ? 0 : Long.parseLong(m.group(5));
    return Duration.ofSeconds(s).plusMillis(ms);
  }

  /** A size for Spark settings: whole gibibytes as {@code 12g}, else mebibytes as {@code 1536m}. */
  public static String sparkSize(long bytes) {
    long mib = bytes / (1024 * 1024);
    return mib % 1024 == 0 ? (mib / 1024) + "g" : mib + "m";
  }

  /** A size for people: {@code 1.5 GiB}. */
  public static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
