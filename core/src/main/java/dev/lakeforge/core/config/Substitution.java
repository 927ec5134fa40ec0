package dev.lakeforge.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}}, {@code ${NAME:-default}} and {@code ${file:/run/secrets/name}} in every
 * string value; {@code $${...}} stays as the literal text {@code ${...}}. Values read from files,
 * and values under secret-looking keys, are registered with the redactor.
 */
final class Substitution {
  /**
   * A secret file is read up to this size: a value, not a data file (and never an endless device).
   */
  static final int MAX_SECRET_FILE = 1 << 20;

  private static final Pattern REF = Pattern.compile("\\$?\\$\\{([^}]*)}");
  private static final Pattern ENV =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_.]*)(?::-(.*))?", Pattern.DOTALL);

  private final Function<String, String> env;
  private final Redactor redactor;

  /**
   * When not null, secret files are not read: each reference is recorded here and a placeholder
   * stands for it.
   */
  private final Map<Path, KeyPath> secretFileReferences;

  Substitution(Function<String, String> env, Redactor redactor) {
    this(env, redactor, null);
  }

  Substitution(
      Function<String, String> env, Redactor redactor, Map<Path, KeyPath> secretFileReferences) {
    this.env = env;
    this.redactor = redactor;
    this.secretFileReferences = secretFileReferences;
  }

  void apply(ConfigTree tree) {
    walk(tree, tree.root, KeyPath.ROOT, false);
  }

  private void walk(ConfigTree tree, JsonNode node, KeyPath path, boolean secretKey) {
    if (node instanceof ObjectNode obj) {
      Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        KeyPath child = path.child(e.getKey());
        boolean secret = secretKey || Redactor.isSecretKey(e.getKey());
        if (e.getValue().isTextual()) {
          e.setValue(new TextNode(substitute(tree, e.getValue().asText(), child, secret)));
        } else {
          walk(tree, e.getValue(), child, secret);
        }
      }
    } else if (node instanceof ArrayNode arr) {
      for (int i = 0; i < arr.size(); i++) {
        if (arr.get(i).isTextual()) {
          arr.set(i, new TextNode(substitute(tree, arr.get(i).asText(), path.index(i), secretKey)));
        } else {
          walk(tree, arr.get(i), path.index(i), secretKey);
        }
      }
    } else if (secretKey && node.isValueNode()) {
      redactor.add(node.asText());
    }
  }

  private String substitute(ConfigTree tree, String text, KeyPath path, boolean secretKey) {
    Matcher m = REF.matcher(text);
    StringBuilder out = new StringBuilder();
    boolean fromFile = false;
    while (m.find()) {
      String whole = m.group();
      String replacement;
      if (whole.startsWith("$$")) {
        replacement = whole.substring(1);
      } else {
        String expr = m.group(1).trim();
        if (expr.startsWith("file:")) {
          replacement = readSecretFile(tree, expr.substring(5).trim(), path);
          redactor.add(
              replacement); // on its own too: the text around it (a URL) may be printed differently
          fromFile = true;
        } else {
          replacement = lookupEnv(tree, expr, path);
          if (secretKey) {
            redactor.add(replacement);
          }
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    String result = out.toString();
    if (fromFile || secretKey) {
      redactor.add(result);
    }
    return result;
  }

  private String lookupEnv(ConfigTree tree, String expr, KeyPath path) {
    Matcher m = ENV.matcher(expr);
    if (!m.matches()) {
      throw Binder.located(
          tree,
          path,
          "invalid reference '${"
              + expr
              + "}': expected ${NAME}, ${NAME:-default} or ${file:/path/to/secret}");
    }
    String value = env.apply(m.group(1));
    if (value != null) {
      return value;
    }
    if (m.group(2) != null) {
      return m.group(2);
    }
    throw Binder.located(
        tree,
        path,
        "environment variable "
            + m.group(1)
            + " is not set and has no default (write ${"
            + m.group(1)
            + ":-default} to give one)");
  }

  private String readSecretFile(ConfigTree tree, String file, KeyPath path) {
    if (file.isEmpty()) {
      throw Binder.located(tree, path, "'${file:}' names no file: write ${file:/run/secrets/name}");
    }
    Path resolved = tree.originOf(path).baseDirectory().resolve(file).normalize();
    if (secretFileReferences != null) {
      secretFileReferences.putIfAbsent(resolved, path);
      return "<secret file " + resolved + ">";
    }
    try {
      byte[] bytes;
      try (InputStream in = Files.newInputStream(resolved)) {
        bytes = in.readNBytes(MAX_SECRET_FILE + 1);
      }
      if (bytes.length > MAX_SECRET_FILE) {
        throw Binder.located(
            tree,
            path,
            "secret file "
                + resolved
                + " is larger than "
                + (MAX_SECRET_FILE >> 10)
                + " KiB (or endless): a secret file holds one value, such as a password or a key");
      }
      String content = new String(bytes, StandardCharsets.UTF_8);
      // Secret files mounted by Kubernetes or Docker often end with one newline.
      if (content.endsWith("\r\n")) {
        content = content.substring(0, content.length() - 2);
      } else if (content.endsWith("\n")) {
        content = content.substring(0, content.length() - 1);
      }
      return content;
    } catch (NoSuchFileException e) {
      throw Binder.located(tree, path, "secret file " + resolved + " does not exist");
    } catch (AccessDeniedException e) {
      throw Binder.located(
          tree, path, "cannot read secret file " + resolved + ": permission denied");
    } catch (IOException e) {
      throw Binder.located(
          tree, path, "cannot read secret file " + resolved + ": " + e.getMessage());
    }
  }
}
