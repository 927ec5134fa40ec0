package dev.lakeforge.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lakeforge.core.Location;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Binds a config subtree to a typed record; every failure names file:line, key path and what was
 * expected.
 */
final class Binder {
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
          .addModule(
              new SimpleModule("lakeforge-config")
                  .addDeserializer(Location.class, new LocationDeserializer()))
          .build();

  private Binder() {}

  static <T> T bind(ConfigTree tree, KeyPath section, Class<T> type) {
    JsonNode node = tree.get(section);
    if (node == null || node.isNull() || node.isMissingNode()) {
      node = JsonNodeFactory.instance.objectNode();
    }
    return bind(tree, section, node, MAPPER.constructType(type));
  }

  /**
   * Binds {@code node}, which stands at {@code section} of the tree (as written there, or
   * rewritten).
   */
  static <T> T bind(ConfigTree tree, KeyPath section, JsonNode node, JavaType type) {
    try {
      return MAPPER
          .readerFor(type)
          .withAttribute(ConfigTree.class, tree)
          .withAttribute(KeyPath.class, section)
          .readValue(node);
    } catch (UnrecognizedPropertyException e) {
      KeyPath parent = section.resolve(relative(e.getPath()).parent());
      String key = e.getPropertyName();
      throw located(
          tree,
          parent.child(key),
          "unknown key '"
              + key
              + "'"
              + (parent.isRoot() ? "" : " under '" + parent + "'")
              + suggestion(key, e.getKnownPropertyIds())
              + "; accepted keys: "
              + list(e.getKnownPropertyIds()));
    } catch (ValueInstantiationException e) {
      KeyPath at = section.resolve(relative(e.getPath()));
      Throwable cause = e.getCause();
      if (cause instanceof SettingException s) {
        throw located(tree, at.resolve(KeyPath.parse(s.key())), s.getMessage());
      }
      throw located(tree, at, cause == null ? e.getOriginalMessage() : cause.getMessage());
    } catch (InvalidFormatException e) {
      KeyPath at = section.resolve(relative(e.getPath()));
      throw located(
          tree,
          at,
          "expected "
              + expected(e.getTargetType())
              + ", got "
              + (at.isSecret()
                  ? "a value (not shown: the key is secret)"
                  : "'" + Redactor.global().redact(String.valueOf(e.getValue())) + "'"));
    } catch (MismatchedInputException e) {
      KeyPath at = section.resolve(relative(e.getPath()));
      JsonNode actual = tree.get(at);
      String got = actual == null ? "nothing" : describe(actual, at);
      throw located(tree, at, "expected " + expected(e.getTargetType()) + ", got " + got);
    } catch (InvalidDefinitionException e) {
      // Jackson reports a scalar where a Java array is expected as a definition problem of the
      // array type: for the user it is the same mistake as a scalar where a list is expected.
      KeyPath at = section.resolve(relative(e.getPath()));
      JsonNode actual = tree.get(at);
      Class<?> target = e.getType() == null ? null : e.getType().getRawClass();
      if (target == null
          || actual == null
          || !(target.isArray() || Collection.class.isAssignableFrom(target))) {
        throw located(tree, at, e.getOriginalMessage());
      }
      throw located(tree, at, "expected " + expected(target) + ", got " + describe(actual, at));
    } catch (JsonMappingException e) {
      KeyPath at = section.resolve(relative(e.getPath()));
      throw located(tree, at, e.getOriginalMessage());
    } catch (Exception e) {
      throw located(tree, section, e.getMessage());
    }
  }

  /**
   * Binds a {@link Location}: a relative path starts at the folder of the file the value came from
   * (the working directory for {@code --set} values and defaults).
   */
  private static final class LocationDeserializer extends StdScalarDeserializer<Location> {
    private static final long serialVersionUID = 1L;

    LocationDeserializer() {
      super(Location.class);
    }

    @Override
    public Location deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        return (Location) ctxt.handleUnexpectedToken(Location.class, p);
      }
      String text = p.getText();
      Path base = Location.workingDirectory();
      if (ctxt.getAttribute(ConfigTree.class) instanceof ConfigTree tree
          && ctxt.getAttribute(KeyPath.class) instanceof KeyPath section) {
        base = tree.originOf(section.resolve(keyPath(p.getParsingContext()))).baseDirectory();
      }
      try {
        return Location.of(text, base);
      } catch (IllegalArgumentException e) {
        return (Location) ctxt.handleWeirdStringValue(Location.class, text, e.getMessage());
      }
    }

    /** The path of the value being read, relative to the bound section. */
    private static KeyPath keyPath(JsonStreamContext context) {
      ArrayDeque<Object> segments = new ArrayDeque<>();
      for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
        if (c.inArray()) {
          segments.push(c.getCurrentIndex());
        } else if (c.inObject() && c.getCurrentName() != null) {
          segments.push(c.getCurrentName());
        }
      }
      KeyPath path = KeyPath.ROOT;
      for (Object s : segments) {
        path = s instanceof Integer i ? path.index(i) : path.child((String) s);
      }
      return path;
    }
  }

  static ConfigException located(ConfigTree tree, KeyPath path, String problem) {
    return new ConfigException(tree.originOf(path), path.toString(), problem);
  }

  private static KeyPath relative(List<JsonMappingException.Reference> refs) {
    KeyPath p = KeyPath.ROOT;
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        p = p.child(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        p = p.index(r.getIndex());
      }
    }
    return p;
  }

  static String expected(Class<?> t) {
    if (t == null) {
      return "a different value";
    }
    if (t == int.class
        || t == Integer.class
        || t == long.class
        || t == Long.class
        || t == short.class
        || t == Short.class
        || t == BigInteger.class) {
      return "an integer";
    }
    if (t == double.class
        || t == Double.class
        || t == float.class
        || t == Float.class
        || t == BigDecimal.class) {
      return "a number";
    }
    if (t == boolean.class || t == Boolean.class) {
      return "true or false";
    }
    if (t == String.class || t == Secret.class || t == Path.class) {
      return "a string";
    }
    if (t == Location.class) {
      return "a path or URI";
    }
    if (t.isEnum()) {
      return "one of "
          + Arrays.stream(t.getEnumConstants())
              .map(c -> c.toString().toLowerCase(Locale.ROOT))
              .collect(Collectors.joining(", "));
    }
    if (Map.class.isAssignableFrom(t) || t.isRecord()) {
      return "a mapping of keys";
    }
    if (Collection.class.isAssignableFrom(t) || t.isArray()) {
      return "a list";
    }
    return "a " + t.getSimpleName();
  }

  /**
   * What a value is, for an error about the key at {@code at}: a secret key's value is not shown.
   */
  static String describe(JsonNode node, KeyPath at) {
    return at.isSecret() && node.isValueNode() && !node.isNull()
        ? "a value (not shown: the key is secret)"
        : describe(node);
  }

  static String describe(JsonNode node) {
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isNull()) {
      return "null";
    }
    if (node.isTextual()) {
      return "the string '" + Redactor.global().redact(node.asText()) + "'";
    }
    if (node.isBoolean()) {
      return node.asText();
    }
    return "the number " + node.asText();
  }

  private static String list(Collection<Object> known) {
    return known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
  }

  static String suggestion(String key, Collection<?> known) {
    return known.stream()
        .map(String::valueOf)
        .filter(
            k ->
                distance(k.toLowerCase(Locale.ROOT), key.toLowerCase(Locale.ROOT))
                    <= Math.max(2, key.length() / 3))
        .min(Comparator.comparingInt(k -> distance(k, key)))
        .map(k -> " (did you mean '" + k + "'?)")
        .orElse("");
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
