package dev.lakeforge.streaming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.LakeforgeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The schema of JSON record values, read from a file in one of three forms:
 *
 * <ul>
 *   <li>a <a href="https://json-schema.org">JSON Schema</a> document (an object with {@code
 *       properties}); its top-level {@code required} list gives the required fields;
 *   <li>Spark's own JSON form of a schema ({@code df.schema().json()}); non-nullable fields are
 *       required;
 *   <li>SQL DDL such as {@code order_id BIGINT NOT NULL, status STRING} ({@code --} comment lines
 *       allowed); {@code NOT NULL} fields are required.
 * </ul>
 *
 * <pre>{@code
 * ValueSchema v = ValueSchema.read(Path.of("order.schema.json"));
 * StreamQuality.fromKafka(spark, brokers).json(v.schema(), v.required().toArray(String[]::new));
 * }</pre>
 *
 * <p>JSON Schema types map to Spark types: {@code string} to STRING ({@code format: date-time} to
 * TIMESTAMP, {@code date} to DATE), {@code integer} to BIGINT, {@code number} to DOUBLE, {@code
 * boolean} to BOOLEAN, {@code array} to ARRAY of its {@code items}, {@code object} to a STRUCT of
 * its {@code properties} (or a MAP of STRING to its {@code additionalProperties}). A type may be a
 * list with {@code "null"}, such as {@code ["string", "null"]}.
 *
 * @param schema the Spark schema of the values
 * @param required the top-level fields that must be present and non-null
 */
public record ValueSchema(StructType schema, List<String> required) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public ValueSchema {
    required = List.copyOf(required);
  }

  /**
   * Reads a schema file.
   *
   * @throws StreamingException naming the file, and for JSON Schema the JSON pointer of what is
   *     wrong
   */
  public static ValueSchema read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new StreamingException(
          "cannot read the value schema file " + file + ": " + e.getMessage(), e);
    }
    String trimmed = text.strip();
    if (!trimmed.startsWith("{")) {
      return fromDdl(file, text);
    }
    JsonNode root;
    try {
      root = JSON.readTree(trimmed);
    } catch (JsonProcessingException e) {
      throw new StreamingException(
          file
              + ": not valid JSON at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ": "
              + e.getOriginalMessage(),
          e);
    }
    if ("struct".equals(root.path("type").asText()) && root.has("fields")) {
      return fromSpark(file, trimmed);
    }
    return fromJsonSchema(file, root);
  }

  private static ValueSchema fromDdl(Path file, String text) {
    StringBuilder ddl = new StringBuilder();
    text.lines().filter(l -> !l.strip().startsWith("--")).forEach(l -> ddl.append(l).append('\n'));
    StructType schema;
    try {
      schema = StructType.fromDDL(ddl.toString().strip());
    } catch (Exception e) {
      throw new StreamingException(
          file
              + ": not a JSON Schema, a Spark schema or valid SQL DDL: "
              + LakeforgeException.firstLine(e),
          e);
    }
    return new ValueSchema(schema, nonNullable(schema));
  }

  private static ValueSchema fromSpark(Path file, String json) {
    DataType type;
    try {
      type = DataType.fromJson(json);
    } catch (Exception e) {
      throw new StreamingException(
          file + ": not a valid Spark schema: " + LakeforgeException.firstLine(e), e);
    }
    StructType schema = (StructType) type;
    return new ValueSchema(schema, nonNullable(schema));
  }

  private static List<String> nonNullable(StructType schema) {
    List<String> out = new ArrayList<>();
    for (var f : schema.fields()) {
      if (!f.nullable()) {
        out.add(f.name());
      }
    }
    return out;
  }

  private static ValueSchema fromJsonSchema(Path file, JsonNode root) {
    if (!root.has("properties")) {
      throw new StreamingException(
          file
              + ": a JSON Schema for record values needs \"type\": \"object\" with \"properties\"");
    }
    DataType type = type(file, root, "");
    if (!(type instanceof StructType schema)) {
      throw new StreamingException(
          file + ": the top level must be an object, got " + type.simpleString());
    }
    List<String> required = new ArrayList<>();
    JsonNode req = root.path("required");
    if (!req.isMissingNode() && !req.isArray()) {
      throw new StreamingException(file + " at /required: expected a list of property names");
    }
    for (JsonNode r : req) {
      if (!List.of(schema.fieldNames()).contains(r.asText())) {
        throw new StreamingException(
            file
                + " at /required: '"
                + r.asText()
                + "' is not a property; properties: "
                + String.join(", ", schema.fieldNames()));
      }
      required.add(r.asText());
    }
    return new ValueSchema(schema, required);
  }

  private static DataType type(Path file, JsonNode node, String pointer) {
    String where = file + " at " + (pointer.isEmpty() ? "/" : pointer);
    if (!node.isObject()) {
      throw new StreamingException(where + ": expected a schema object, got " + node);
    }
    if (node.has("$ref")) {
      throw new StreamingException(
          where + ": $ref is not supported; write the definition in place");
    }
    for (String combinator : List.of("oneOf", "anyOf", "allOf")) {
      if (node.has(combinator)) {
        throw new StreamingException(
            where
                + ": "
                + combinator
                + " is not supported; give one type (a list with \"null\" is fine)");
      }
    }
    String name = typeName(where, node);
    switch (name) {
      case "string":
        return switch (node.path("format").asText("")) {
          case "date-time" -> DataTypes.TimestampType;
          case "date" -> DataTypes.DateType;
          default -> DataTypes.StringType;
        };
      case "integer":
        return DataTypes.LongType;
      case "number":
        return DataTypes.DoubleType;
      case "boolean":
        return DataTypes.BooleanType;
      case "array":
        if (!node.has("items")) {
          throw new StreamingException(where + ": an array needs \"items\"");
        }
        return DataTypes.createArrayType(type(file, node.get("items"), pointer + "/items"));
      case "object":
        if (node.has("properties")) {
          StructType struct = new StructType();
          Iterator<Map.Entry<String, JsonNode>> it = node.get("properties").fields();
          while (it.hasNext()) {
            Map.Entry<String, JsonNode> p = it.next();
            struct =
                struct.add(
                    p.getKey(), type(file, p.getValue(), pointer + "/properties/" + p.getKey()));
          }
          return struct;
        }
        JsonNode extra = node.path("additionalProperties");
        if (extra.isObject()) {
          return DataTypes.createMapType(
              DataTypes.StringType, type(file, extra, pointer + "/additionalProperties"));
        }
        throw new StreamingException(
            where + ": an object needs \"properties\", or \"additionalProperties\" with a schema");
      default:
        throw new StreamingException(
            where
                + ": type '"
                + name
                + "' is not supported; use string, integer, number, boolean, array or object");
    }
  }

  /** The one type of a node: {@code "type": "x"}, {@code ["x", "null"]}, or an enum of strings. */
  private static String typeName(String where, JsonNode node) {
    JsonNode t = node.get("type");
    if (t == null) {
      JsonNode e = node.get("enum");
      if (e != null && e.isArray() && !e.isEmpty()) {
        boolean strings = true;
        for (JsonNode v : e) {
          strings &= v.isTextual() || v.isNull();
        }
        if (strings) {
          return "string";
        }
      }
      if (node.has("properties")) {
        return "object";
      }
      throw new StreamingException(where + ": no \"type\"");
    }
    if (t.isTextual()) {
      return t.asText();
    }
    if (t.isArray()) {
      List<String> names = new ArrayList<>();
      t.forEach(
          n -> {
            if (!"null".equals(n.asText())) {
              names.add(n.asText());
            }
          });
      if (names.size() == 1) {
        return names.get(0);
      }
      throw new StreamingException(
          where + ": type " + t + " has more than one non-null type; give one");
    }
    throw new StreamingException(where + ": \"type\" must be a name or a list of names, got " + t);
  }
}
