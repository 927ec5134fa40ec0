package dev.lakeforge.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValueSchemaTest {
  @TempDir Path dir;

  private Path file(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void jsonSchemaMapsTypesNestingNullableUnionsAndRequired() throws Exception {
    ValueSchema v =
        ValueSchema.read(
            file(
                "order.schema.json",
                """
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
         "properties": {
           "order_id": {"type": "integer"},
           "status": {"enum": ["NEW", "PAID"]},
           "amount": {"type": ["number", "null"]},
           "paid": {"type": "boolean"},
           "at": {"type": "string", "format": "date-time"},
           "day": {"type": "string", "format": "date"},
           "tags": {"type": "array", "items": {"type": "string"}},
           "customer": {"type": "object", "properties": {"id": {"type": "integer"}, "email": {"type": "string"}}},
           "attributes": {"type": "object", "additionalProperties": {"type": "number"}}
         },
         "required": ["order_id", "status"]}
        """));
    assertThat(v.schema())
        .isEqualTo(
            StructType.fromDDL(
                "order_id BIGINT, status STRING, amount DOUBLE, paid BOOLEAN,"
                    + " at TIMESTAMP, day DATE, tags ARRAY<STRING>, customer STRUCT<id: BIGINT, email: STRING>,"
                    + " attributes MAP<STRING, DOUBLE>"));
    assertThat(v.required()).containsExactly("order_id", "status");
  }

  @Test
  void sparkJsonSchemaAndDdlFilesGiveTheirNonNullableFieldsAsRequired() throws Exception {
    StructType schema = StructType.fromDDL("order_id BIGINT NOT NULL, status STRING");
    ValueSchema spark = ValueSchema.read(file("order.spark.json", schema.json()));
    assertThat(spark.schema()).isEqualTo(schema);
    assertThat(spark.required()).containsExactly("order_id");

    ValueSchema ddl =
        ValueSchema.read(
            file("order.ddl", "-- orders topic\norder_id BIGINT NOT NULL,\nstatus STRING\n"));
    assertThat(ddl.schema()).isEqualTo(schema);
    assertThat(ddl.required()).containsExactly("order_id");
  }

  @Test
  void unsupportedOrWrongSchemasNameTheFileAndTheJsonPointer() throws Exception {
    Path ref =
        file("ref.json", "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/a\"}}}");
    assertThatThrownBy(() -> ValueSchema.read(ref))
        .isInstanceOf(StreamingException.class)
        .hasMessage(
            ref + " at /properties/a: $ref is not supported; write the definition in place");

    Path union =
        file(
            "union.json",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\",\"properties\":"
                + "{\"b\":{\"type\":[\"string\",\"integer\"]}}}}}");
    assertThatThrownBy(() -> ValueSchema.read(union))
        .hasMessageContaining(union + " at /properties/a/properties/b:")
        .hasMessageContaining("more than one non-null type");

    Path unknown =
        file("unknown.json", "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"decimal\"}}}");
    assertThatThrownBy(() -> ValueSchema.read(unknown))
        .hasMessageContaining(unknown + " at /properties/a: type 'decimal'");

    Path required =
        file(
            "required.json",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},"
                + "\"required\":[\"b\"]}");
    assertThatThrownBy(() -> ValueSchema.read(required))
        .hasMessage(required + " at /required: 'b' is not a property; properties: a");

    Path broken = file("broken.json", "{\"type\": \"object\",\n \"properties\": {");
    assertThatThrownBy(() -> ValueSchema.read(broken))
        .hasMessageContaining(broken + ": not valid JSON at line 2");

    Path ddl = file("bad.ddl", "order_id BIGIN");
    assertThatThrownBy(() -> ValueSchema.read(ddl))
        .hasMessageContaining(ddl + ": not a JSON Schema, a Spark schema or valid SQL DDL");

    assertThatThrownBy(() -> ValueSchema.read(dir.resolve("missing.json")))
        .hasMessageContaining("cannot read the value schema file " + dir.resolve("missing.json"));
  }
}
