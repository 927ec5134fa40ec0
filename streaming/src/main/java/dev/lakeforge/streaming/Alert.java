package dev.lakeforge.streaming;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * One alert on the alert topic: a constraint an Error-level check failed on a batch, or an anomaly.
 * The topic holds it as JSON, one alert per record, keyed by the pipeline's name:
 *
 * <pre>{@code
 * {"pipeline":"orders-pipeline","kind":"check","check":"orders","constraint":"isNonNegative(amount)",
 *  "metric":"Compliance(isNonNegative(amount))","value":0.8,"expected":"== 1","batchId":7,
 *  "firstOffendingOffsets":[{"topic":"orders","partition":0,"offset":1031},
 *                           {"topic":"orders","partition":1,"offset":988}],"at":"2026-11-27T04:12:09.120Z",
 *  "earliestRecordTime":"2026-11-27T04:12:08.001Z","latencyMs":1119}
 * }</pre>
 *
 * <p>A consumer reads it back with {@code Alert.fromJson(new String(record.value(), UTF_8))}.
 *
 * @param pipeline the pipeline's name
 * @param kind a failed check or an anomaly
 * @param check the check's description
 * @param constraint the failed constraint
 * @param metric the metric the constraint judged
 * @param value the metric's value on the batch (null when it has none)
 * @param expected the constraint's requirement
 * @param batchId the streaming batch id
 * @param firstOffendingOffsets up to five records of the batch that broke this constraint, by
 *     partition and offset (row-level constraints only; empty for the others)
 * @param at when the alert was built
 * @param earliestRecordTime the Kafka timestamp of the batch's earliest record
 * @param latencyMs from that record's time to the alert
 */
public record Alert(
    String pipeline,
    Kind kind,
    String check,
    String constraint,
    String metric,
    Double value,
    String expected,
    long batchId,
    List<Offset> firstOffendingOffsets,
    Instant at,
    Instant earliestRecordTime,
    long latencyMs) {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .registerModule(
              new SimpleModule("alert-instants")
                  .addSerializer(Instant.class, ToStringSerializer.instance)
                  .addDeserializer(Instant.class, new InstantText()));

  /**
   * Where a record is: its topic, partition and offset, as the dead-letter headers give them.
   *
   * @param topic the source topic
   * @param partition the partition
   * @param offset the offset within the partition
   */
  public record Offset(String topic, int partition, long offset) {}

  /** What raised the alert. */
  public enum Kind {
    /** A constraint of an Error-level check failed on the batch. */
    @JsonProperty("check")
    CHECK,
    /** A metric of the batch is anomalous against the pipeline's earlier batches. */
    @JsonProperty("anomaly")
    ANOMALY
  }

  public Alert {
    value = value == null || value.isNaN() || value.isInfinite() ? null : value;
    firstOffendingOffsets =
        firstOffendingOffsets == null ? List.of() : List.copyOf(firstOffendingOffsets);
  }

  /** The alert as the alert topic holds it. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new StreamingException(
          "cannot write the alert of " + pipeline + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * An alert from the alert topic.
   *
   * @throws StreamingException when the text is not an alert
   */
  public static Alert fromJson(String json) {
    try {
      return JSON.readValue(json, Alert.class);
    } catch (JsonProcessingException e) {
      throw new StreamingException("not an alert: " + e.getOriginalMessage(), e);
    }
  }

  /** Instants as ISO-8601 text, without a dependency on Jackson's java.time module. */
  private static final class InstantText extends StdDeserializer<Instant> {
    private static final long serialVersionUID = 1L;

    InstantText() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      String text = p.getValueAsString();
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw ctx.weirdStringException(
            text, Instant.class, "expected an ISO-8601 instant such as 2026-11-27T04:12:09Z");
      }
    }
  }
}
