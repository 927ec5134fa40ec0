package dev.lakeforge.streaming;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.avro.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The decode stage: parses Kafka record values (JSON with a declared schema, or Avro binary) and
 * says why a record cannot be used. A record that is empty, not valid UTF-8, not JSON, of a wrong
 * type, or missing a required field gets a reason and goes to the dead-letter topic.
 */
final class Decoder {
  /** The column with the reason a record cannot be used (null when it can). */
  static final String REASON = "_reason";

  private final StructType schema;
  private final String avroSchema;
  private final List<String> required;

  Decoder(StructType schema, String avroSchema, List<String> required) {
    this.schema = schema;
    this.avroSchema = avroSchema;
    this.required = List.copyOf(required);
  }

  StructType schema() {
    return schema;
  }

  /** Adds the parsed value ({@code _v}) and the reason it cannot be used ({@value #REASON}). */
  Dataset<Row> decode(Dataset<Row> raw) {
    Column empty = col("value").isNull().or(length(col("value")).equalTo(0));
    if (avroSchema != null) {
      Column parsed = functions.from_avro(col("value"), avroSchema, Map.of("mode", "PERMISSIVE"));
      // PERMISSIVE from_avro gives a struct of nulls for bytes that do not decode
      Column allNull = lit(true);
      for (String f : schema.fieldNames()) {
        allNull = allNull.and(col("_v").getField(f).isNull());
      }
      Column why =
          when(empty, lit("empty payload"))
              .when(col("_v").isNull().or(allNull), lit("value is not valid Avro for the schema"));
      return raw.withColumn("_v", parsed).withColumn(REASON, requiredFields(why));
    }
    StructType withCorrupt = schema.add("_corrupt", DataTypes.StringType);
    Column text = col("value").cast("string");
    Column parsed =
        from_json(
            text,
            withCorrupt,
            Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", "_corrupt"));
    Column why =
        when(empty, lit("empty payload"))
            .when(expr("NOT is_valid_utf8(CAST(value AS STRING))"), lit("value is not valid UTF-8"))
            .when(trim(text).startsWith("{").equalTo(false), lit("value is not a JSON object"))
            .when(col("_v").isNull(), lit("value is not valid JSON"))
            .when(
                col("_v._corrupt").isNotNull(),
                lit("malformed JSON or a value of the wrong type for " + schema.simpleString()));
    return raw.withColumn("_v", parsed).withColumn(REASON, requiredFields(why));
  }

  private Column requiredFields(Column why) {
    for (String r : required) {
      why =
          why.when(
              col("_v").getField(r).isNull(), lit("required field '" + r + "' is missing or null"));
    }
    return why;
  }

  /**
   * The decoded value's fields as top-level columns, beside the record's coordinates ({@code
   * _topic}, {@code _partition}, {@code _offset}, {@code _timestamp}), key and original bytes, and
   * the reason.
   */
  Column[] flattened() {
    List<Column> flat = new ArrayList<>();
    for (StructField f : schema.fields()) {
      flat.add(col("_v").getField(f.name()).as(f.name()));
    }
    flat.addAll(
        List.of(
            col("topic").as("_topic"),
            col("partition").as("_partition"),
            col("offset").as("_offset"),
            col("timestamp").as("_timestamp"),
            col("key").as("_key"),
            col("value").as("_value"),
            col(REASON)));
    return flat.toArray(Column[]::new);
  }

  /** The value's fields, as columns of the flattened batch. */
  Column[] valueColumns() {
    List<Column> out = new ArrayList<>();
    for (String f : schema.fieldNames()) {
      out.add(col(f));
    }
    return out.toArray(Column[]::new);
  }
}
