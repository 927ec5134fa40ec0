package dev.lakeforge.core.config;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Pattern;

/**
 * Replaces secret values with {@value #MASK} in any text before it is printed: logs, run
 * reports, {@code --dry-run} output and {@code toString}. A value is a secret when it was read
 * from a secret file ({@code ${file:...}}) or sits under a key whose name looks secret
 * (password, secret, token, credential, private key, access key).
 *
 * <p>The process-wide instance ({@link #global()}) collects the secrets of every config loaded in
 * this JVM, so a log line is redacted even when the code that printed it never saw the config.
 */
public final class Redactor {
  public static final String MASK = "****";

  /** Key names whose values are secrets; Spark's own spark.redaction.regex plus common names. */
  public static final Pattern SECRET_KEY = Pattern.compile(
      "(?i).*(password|passwd|secret|token|credential|private[._-]?key|access[._-]?key|api[._-]?key|sasl[._]jaas).*");

  /** Shorter values are not masked inside other text: they would mangle unrelated words. */
  private static final int MIN_LENGTH = 3;

  private static final Redactor GLOBAL = new Redactor();

  private final Set<String> secrets = new CopyOnWriteArraySet<>();
  private volatile List<String> longestFirst = List.of();

  /** The JVM-wide redactor that log layouts use. */
  public static Redactor global() {
    return GLOBAL;
  }

  public static boolean isSecretKey(String key) {
    return key != null && SECRET_KEY.matcher(key).matches();
  }

  /** Registers a secret value here and in the global redactor. */
  public void add(String secret) {
    if (secret == null || secret.isBlank() || secret.length() < MIN_LENGTH) {
      return;
    }
    if (secrets.add(secret)) {
      longestFirst = secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }
    if (this != GLOBAL) {
      GLOBAL.add(secret);
    }
  }

  public boolean isEmpty() {
    return secrets.isEmpty();
  }

  /** The text with every registered secret replaced by {@value #MASK}. */
  public String redact(String text) {
    if (text == null || secrets.isEmpty()) {
      return text;
    }
    String out = text;
    for (String s : longestFirst) {
      if (out.contains(s)) {
        out = out.replace(s, MASK);
      }
    }
    return out;
  }
}
