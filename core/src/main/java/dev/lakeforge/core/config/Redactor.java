package dev.lakeforge.core.config;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Pattern;

/**
 * Replaces secret values with {@value #MASK} in any text before it is printed: logs, run reports,
 * {@code --dry-run} output and {@code toString}. A value is a secret when it was read from a secret
 * file ({@code ${file:...}}) or sits under a key whose name looks secret (password, secret, token,
 * credential, private key, access key).
 *
 * <p>A secret is found however it was encoded on the way out: as written, JSON- or YAML-escaped,
 * HTML-escaped, URL-encoded (a JDBC URL's password), in base64 (at any alignment inside a longer
 * base64 text, as in a Basic authorization header), and line by line when it spans lines (a PEM key
 * printed as a YAML block).
 *
 * <p>The process-wide instance ({@link #global()}) collects the secrets of every config loaded in
 * this JVM, so a log line is redacted even when the code that printed it never saw the config.
 */
public final class Redactor {
  public static final String MASK = "****";

  /** Key names whose values are secrets; Spark's own spark.redaction.regex plus common names. */
  public static final Pattern SECRET_KEY =
      Pattern.compile(
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

  /** Registers a secret value, and its encoded forms, here and in the global redactor. */
  public void add(String secret) {
    if (secret == null || secret.isBlank() || secret.length() < MIN_LENGTH) {
      return;
    }
    boolean added = false;
    for (String form : forms(secret)) {
      added |= form.length() >= MIN_LENGTH && secrets.add(form);
    }
    if (added) {
      longestFirst =
          secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }
    if (this != GLOBAL) {
      GLOBAL.add(secret);
    }
  }

  /** Lines and encoded pieces shorter than this are not masked on their own. */
  private static final int MIN_PIECE = 8;

  /** The secret as it may appear in output: raw, escaped, encoded, and its lines. */
  static Set<String> forms(String secret) {
    Set<String> forms = new LinkedHashSet<>();
    forms.add(secret);
    String trimmed = secret.strip();
    forms.add(trimmed);
    for (String text : List.of(secret, trimmed)) {
      forms.add(new String(JsonStringEncoder.getInstance().quoteAsString(text)));
      forms.add(text.replace("'", "''")); // YAML single-quoted, SQL string literal
      forms.add(
          text.replace("&", "&amp;")
              .replace("<", "&lt;")
              .replace(">", "&gt;")
              .replace("\"", "&quot;")
              .replace("'", "&#39;"));
      forms.add(
          text.replace("&", "&amp;")
              .replace("<", "&lt;")
              .replace(">", "&gt;")
              .replace("\"", "&#34;")
              .replace("'", "&#x27;"));
      String form = URLEncoder.encode(text, StandardCharsets.UTF_8);
      forms.add(form);
      forms.add(form.replace("+", "%20"));
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
        forms.add(encoder.encodeToString(bytes));
        for (int align = 0; align < 3; align++) {
          String core = base64Core(encoder, bytes, align);
          if (core.length() >= MIN_PIECE) {
            forms.add(core);
          }
        }
      }
    }
    if (trimmed.contains("\n")) {
      for (String line : trimmed.split("\r?\n")) {
        if (line.strip().length() >= MIN_PIECE) {
          forms.add(line.strip());
        }
      }
    }
    return forms;
  }

  /**
   * The base64 characters that depend only on the secret when it sits {@code align} bytes past a
   * 3-byte boundary of a longer text: the groups wholly inside it.
   */
  private static String base64Core(Base64.Encoder encoder, byte[] secret, int align) {
    byte[] padded = new byte[align + secret.length];
    System.arraycopy(secret, 0, padded, align, secret.length);
    String encoded = encoder.withoutPadding().encodeToString(padded);
    int from = align == 0 ? 0 : 4;
    int to = (padded.length / 3) * 4;
    return to > from ? encoded.substring(from, to) : "";
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
