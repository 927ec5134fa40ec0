package dev.lakeforge.core;

import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A file or folder a job reads or writes, as an absolute URI: {@code s3a://bucket/orders}, or
 * {@code file:/data/lake} for a local path. A relative path is resolved once, when the location is
 * made, so Spark, Iceberg and backup manifests never see one: on a cluster each executor would
 * resolve it against its own working directory.
 *
 * <p>The rule for where a relative path starts: the folder of the config file that wrote it, or the
 * working directory for command-line options, {@code --set} values and defaults. Config values of
 * this type follow it when bound; command-line options use {@link #of(String)}.
 *
 * <pre>{@code
 * record Sink(Location path) {}                      // "out/orders" in /etc/jobs/job.yaml -> file:/etc/jobs/out/orders
 * Location to = Location.of("backups/orders");       // from the working directory
 * Location s3 = Location.of("s3a://dr/orders");      // URIs are kept as they are
 * }</pre>
 */
public final class Location {
  private static final Pattern SCHEME =
      Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]+:.*", Pattern.DOTALL);

  private final String uri;

  private Location(String uri) {
    this.uri = uri;
  }

  /** A location from a command-line option: relative paths start at the working directory. */
  public static Location of(String text) {
    return of(text, workingDirectory());
  }

  /**
   * A location from text written relative to {@code base}.
   *
   * @throws IllegalArgumentException when the text is empty
   */
  public static Location of(String text, Path base) {
    Objects.requireNonNull(base, "base");
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a location must not be empty");
    }
    String t = text.strip();
    if (SCHEME.matcher(t).matches()) {
      String scheme = t.substring(0, t.indexOf(':')).toLowerCase(Locale.ROOT);
      if (!scheme.equals("file")) {
        return new Location(stripTrailingSlash(t));
      }
      t = t.substring("file:".length());
      if (t.startsWith("//")) {
        int slash = t.indexOf('/', 2);
        t = slash < 0 ? "/" : t.substring(slash);
      }
    }
    Path local = base.resolve(t).toAbsolutePath().normalize();
    return new Location("file:" + stripTrailingSlash(local.toString()));
  }

  /** A local path as a location. */
  public static Location of(Path path) {
    return of(path.toString(), workingDirectory());
  }

  /** The working directory of this JVM. */
  public static Path workingDirectory() {
    return Path.of("").toAbsolutePath();
  }

  private static String stripTrailingSlash(String s) {
    int end = s.length();
    while (end > 1
        && s.charAt(end - 1) == '/'
        && s.charAt(end - 2) != '/'
        && s.charAt(end - 2) != ':') {
      end--;
    }
    return s.substring(0, end);
  }

  /**
   * The absolute URI, as Hadoop and Iceberg take it: {@code file:/a/b} or {@code s3a://bucket/key}.
   */
  @JsonValue
  public String uri() {
    return uri;
  }

  /** The URI scheme: {@code file}, {@code s3a}, {@code hdfs}... */
  public String scheme() {
    return uri.substring(0, uri.indexOf(':')).toLowerCase(Locale.ROOT);
  }

  /** Whether this is a path on the local file system ({@code file:}). */
  public boolean isLocal() {
    return scheme().equals("file");
  }

  /**
   * The local path.
   *
   * @throws IllegalStateException when the location is not on the local file system
   */
  public Path toPath() {
    if (!isLocal()) {
      throw new IllegalStateException(uri + " is not a local path");
    }
    return Path.of(uri.substring("file:".length()));
  }

  /** A location below this one. */
  public Location resolve(String child) {
    String c = child.startsWith("/") ? child.substring(1) : child;
    return new Location(stripTrailingSlash(uri + (uri.endsWith("/") ? "" : "/") + c));
  }

  /** Whether {@code other} is this location or lies below it. */
  public boolean contains(Location other) {
    return other.uri.equals(uri) || other.uri.startsWith(uri.endsWith("/") ? uri : uri + "/");
  }

  /** Whether one of the two holds the other: writing to one changes what is read from the other. */
  public boolean overlaps(Location other) {
    return contains(other) || other.contains(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Location l && l.uri.equals(uri);
  }

  @Override
  public int hashCode() {
    return uri.hashCode();
  }

  @Override
  public String toString() {
    return uri;
  }
}
