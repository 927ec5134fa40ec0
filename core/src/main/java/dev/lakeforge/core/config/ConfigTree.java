package dev.lakeforge.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** A parsed config tree that remembers the file, line and column of every value. */
final class ConfigTree {
  private static final YAMLFactory YAML = new YAMLFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  final ObjectNode root;
  final Map<KeyPath, Origin> origins;

  private ConfigTree(ObjectNode root, Map<KeyPath, Origin> origins) {
    this.root = root;
    this.origins = origins;
  }

  static ConfigTree empty(String source) {
    Map<KeyPath, Origin> origins = new HashMap<>();
    origins.put(KeyPath.ROOT, new Origin(source, 1, 1));
    return new ConfigTree(NODES.objectNode(), origins);
  }

  /** Parses YAML (JSON is YAML too); the top level must be a mapping or empty. */
  static ConfigTree parse(String text, String source) {
    Map<KeyPath, Origin> origins = new HashMap<>();
    try (JsonParser p = YAML.createParser(text)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return empty(source);
      }
      JsonNode node = read(p, KeyPath.ROOT, source, origins);
      if (node.isNull()) {
        return empty(source);
      }
      if (!node.isObject()) {
        throw new ConfigException(
            source
                + ":1:1: expected a mapping of keys at the top level, got "
                + Binder.describe(node));
      }
      return new ConfigTree((ObjectNode) node, origins);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where =
          loc == null ? source : source + ":" + loc.getLineNr() + ":" + loc.getColumnNr();
      throw new ConfigException(
          where + ": invalid YAML: " + e.getOriginalMessage().lines().findFirst().orElse(""), e);
    } catch (IOException e) {
      throw new ConfigException(source + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static JsonNode read(
      JsonParser p, KeyPath path, String source, Map<KeyPath, Origin> origins) throws IOException {
    JsonLocation loc = p.currentTokenLocation();
    origins.putIfAbsent(path, new Origin(source, loc.getLineNr(), loc.getColumnNr()));
    JsonToken t = p.currentToken();
    if (p instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
      // Jackson reads an alias as the anchor's name, and loses the anchors of scalars: refuse them
      // rather than take "*owner" to mean "owner".
      throw new ConfigException(
          source
              + ":"
              + loc.getLineNr()
              + ":"
              + loc.getColumnNr()
              + ": "
              + path
              + ": YAML aliases (*"
              + p.getText()
              + ") are not supported; write the value out");
    }
    switch (t) {
      case START_OBJECT -> {
        ObjectNode obj = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonLocation keyLoc = p.currentTokenLocation();
          KeyPath child = path.child(name);
          if (obj.has(name)) {
            throw new ConfigException(
                source
                    + ":"
                    + keyLoc.getLineNr()
                    + ":"
                    + keyLoc.getColumnNr()
                    + ": "
                    + child
                    + ": duplicate key (first defined at line "
                    + origins.get(child).line()
                    + ")");
          }
          origins.put(child, new Origin(source, keyLoc.getLineNr(), keyLoc.getColumnNr()));
          p.nextToken();
          obj.set(name, read(p, child, source, origins));
        }
        return obj;
      }
      case START_ARRAY -> {
        ArrayNode arr = NODES.arrayNode();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          arr.add(read(p, path.index(i++), source, origins));
        }
        return arr;
      }
      case VALUE_STRING -> {
        return NODES.textNode(p.getText());
      }
      case VALUE_NUMBER_INT -> {
        return switch (p.getNumberType()) {
          case INT -> NODES.numberNode(p.getIntValue());
          case LONG -> NODES.numberNode(p.getLongValue());
          default -> NODES.numberNode(p.getBigIntegerValue());
        };
      }
      case VALUE_NUMBER_FLOAT -> {
        return NODES.numberNode(p.getDoubleValue());
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return NODES.booleanNode(t == JsonToken.VALUE_TRUE);
      }
      case VALUE_NULL -> {
        return NODES.nullNode();
      }
      default ->
          throw new ConfigException(
              source + ":" + loc.getLineNr() + ": unexpected YAML token " + t);
    }
  }

  /**
   * Parses one {@code --set} value as a YAML scalar or flow collection ({@code 8}, {@code true},
   * {@code [a, b]}).
   */
  static JsonNode parseValue(String key, String text) {
    if (text.isEmpty()) {
      return NODES.textNode("");
    }
    try {
      ConfigTree wrapped = parse("v: " + text, "--set");
      return wrapped.root.get("v");
    } catch (ConfigException e) {
      boolean secret = KeyPath.parse(key).isSecret();
      String why =
          secret
              ? ""
              : " (" + e.getMessage().replaceFirst("^--set:\\d+:\\d+: invalid YAML: ", "") + ")";
      throw new ConfigException(
          "--set "
              + key
              + ": the value is not valid YAML"
              + why
              + "; to give it as text, quote"
              + " it: --set '"
              + key
              + "=\"...\"'",
          e);
    }
  }

  /** The mapping at path as a tree of its own, with origins re-rooted. */
  ConfigTree subtree(KeyPath path) {
    JsonNode node = get(path);
    if (!(node instanceof ObjectNode obj)) {
      throw Binder.located(
          this,
          path,
          "expected a mapping of keys, got "
              + (node == null ? "nothing" : Binder.describe(node, path)));
    }
    Map<KeyPath, Origin> rerooted = new HashMap<>();
    int depth = path.segments().size();
    origins.forEach(
        (k, v) -> {
          if (k.startsWith(path)) {
            KeyPath rel = KeyPath.ROOT;
            for (Object seg : k.segments().subList(depth, k.segments().size())) {
              rel = seg instanceof Integer i ? rel.index(i) : rel.child((String) seg);
            }
            rerooted.put(rel, v);
          }
        });
    return new ConfigTree(obj.deepCopy(), rerooted);
  }

  JsonNode get(KeyPath path) {
    JsonNode node = root;
    for (Object s : path.segments()) {
      if (node == null) {
        return null;
      }
      node = s instanceof Integer i ? node.get(i) : node.get((String) s);
    }
    return node;
  }

  /** The origin of the value at path, or of its nearest ancestor that has one. */
  Origin originOf(KeyPath path) {
    KeyPath p = path;
    while (true) {
      Origin o = origins.get(p);
      if (o != null) {
        return o;
      }
      if (p.isRoot()) {
        return new Origin("<config>", 0, 0);
      }
      p = p.parent();
    }
  }

  /** Overlays {@code top} on this tree: mappings merge key by key, anything else replaces. */
  void overlay(ConfigTree top) {
    merge(root, top.root, KeyPath.ROOT, top);
  }

  private void merge(ObjectNode base, ObjectNode top, KeyPath path, ConfigTree from) {
    Iterator<Map.Entry<String, JsonNode>> it = top.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      KeyPath child = path.child(e.getKey());
      JsonNode existing = base.get(e.getKey());
      if (existing instanceof ObjectNode b && e.getValue() instanceof ObjectNode t) {
        origins.put(child, from.originOf(child));
        merge(b, t, child, from);
      } else {
        origins.keySet().removeIf(k -> k.startsWith(child));
        from.origins.forEach(
            (k, v) -> {
              if (k.startsWith(child)) {
                origins.put(k, v);
              }
            });
        base.set(e.getKey(), e.getValue().deepCopy());
      }
    }
  }

  /**
   * Sets a value given as a dotted path. Keys that contain dots (Spark conf keys) are matched
   * against existing keys first, longest first, so {@code
   * spark.conf.spark.sql.shuffle.partitions=8} works; quote a segment to be explicit: {@code
   * spark.conf."spark.sql.shuffle.partitions"}.
   */
  KeyPath set(String dotted, JsonNode value, Origin origin) {
    KeyPath parsed = KeyPath.parse(dotted);
    KeyPath target = KeyPath.ROOT;
    ObjectNode node = root;
    var segs = parsed.segments();
    int i = 0;
    while (i < segs.size()) {
      int matched = -1;
      for (int j = segs.size(); j > i; j--) {
        String key = join(segs, i, j);
        if (node.has(key)) {
          matched = j;
          break;
        }
      }
      String key;
      if (matched < 0) {
        // Unknown key: the rest of the path becomes nested keys, except that the rest of a path
        // below a mapping of free-form keys (such as spark.conf) is one key.
        boolean freeForm = node.size() > 0 && allKeysDotted(node);
        matched = freeForm ? segs.size() : i + 1;
      }
      key = join(segs, i, matched);
      target = target.child(key);
      if (matched == segs.size()) {
        node.set(key, value);
        final KeyPath t = target;
        origins.keySet().removeIf(k -> k.startsWith(t));
        origins.put(target, origin);
        return target;
      }
      JsonNode next = node.get(key);
      if (next == null || next.isNull()) {
        next = node.putObject(key);
        origins.put(target, origin);
      } else if (!next.isObject()) {
        throw new ConfigException(
            "--set "
                + dotted
                + ": "
                + target
                + " is "
                + Binder.describe(next, target)
                + " (set at "
                + originOf(target)
                + "), not a mapping, so it has no key '"
                + segs.get(matched)
                + "'");
      }
      node = (ObjectNode) next;
      i = matched;
    }
    return target;
  }

  private static boolean allKeysDotted(ObjectNode node) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      if (!names.next().contains(".")) {
        return false;
      }
    }
    return true;
  }

  private static String join(List<Object> segs, int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int k = from; k < to; k++) {
      if (k > from) {
        sb.append('.');
      }
      sb.append(segs.get(k));
    }
    return sb.toString();
  }
}
