package dev.lakeforge.streaming;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Bad record values generated from valid ones ({@code order_id BIGINT, status STRING, amount
 * DOUBLE}, {@code order_id} required), each of a known kind, with the dead-letter reason it must
 * get.
 */
final class MalformedCorpus {
  private MalformedCorpus() {}

  /** The kinds of damage, and the reason each must be dead-lettered with. */
  enum Kind {
    TRUNCATED(r -> r.equals("value is not valid JSON") || r.startsWith("malformed JSON")),
    WRONG_TYPE(r -> r.startsWith("malformed JSON or a value of the wrong type")),
    HUGE_NUMBER(r -> r.startsWith("malformed JSON or a value of the wrong type")),
    INVALID_UTF8(r -> r.equals("value is not valid UTF-8")),
    MISSING_KEY(r -> r.equals("required field 'order_id' is missing or null")),
    NULL_KEY(r -> r.equals("required field 'order_id' is missing or null")),
    EMPTY(r -> r.equals("empty payload")),
    NOT_AN_OBJECT(r -> r.equals("value is not a JSON object"));

    final Predicate<String> reason;

    Kind(Predicate<String> reason) {
      this.reason = reason;
    }
  }

  record Malformed(Kind kind, byte[] value) {}

  static String valid(long id, Random random) {
    return "{\"order_id\": "
        + id
        + ", \"status\": \""
        + word(random, 1 + random.nextInt(12))
        + "\", \"amount\": "
        + random.nextInt(100_000) / 100.0
        + "}";
  }

  /** {@code perKind} records of each kind, from a seeded generator (the same corpus every run). */
  static List<Malformed> generate(long seed, int perKind) {
    Random random = new Random(seed);
    List<Malformed> out = new ArrayList<>();
    for (int i = 0; i < perKind; i++) {
      for (Kind kind : Kind.values()) {
        out.add(new Malformed(kind, damage(kind, 1_000_000L + out.size(), random)));
      }
    }
    return out;
  }

  private static byte[] damage(Kind kind, long id, Random random) {
    String json = valid(id, random);
    String status = "\"" + word(random, 4) + "\"";
    return switch (kind) {
      // any proper prefix of an object lacks its closing brace
      case TRUNCATED -> utf8(json.substring(0, 1 + random.nextInt(json.length() - 1)));
      case WRONG_TYPE ->
          utf8(
              switch (random.nextInt(4)) {
                case 0 ->
                    "{\"order_id\": \""
                        + word(random, 5)
                        + "\", \"status\": "
                        + status
                        + ", \"amount\": 1.0}";
                case 1 ->
                    "{\"order_id\": "
                        + id
                        + ", \"status\": "
                        + status
                        + ", \"amount\": \""
                        + word(random, 3)
                        + "\"}";
                case 2 -> "{\"order_id\": [" + id + "], \"status\": " + status + "}";
                default -> "{\"order_id\": " + id + ", \"amount\": {\"value\": 1}}";
              });
      case HUGE_NUMBER ->
          utf8(
              "{\"order_id\": "
                  + digits(random, 20 + random.nextInt(400))
                  + ", \"status\": "
                  + status
                  + "}");
      case INVALID_UTF8 -> {
        byte[] prefix =
            utf8("{\"order_id\": " + id + ", \"status\": \"" + word(random, random.nextInt(5)));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(prefix);
        // a lone continuation byte, a sequence cut short, or bytes never valid in UTF-8
        byte[][] bad = {{(byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xFF}, {(byte) 0xFE}};
        b.writeBytes(bad[random.nextInt(bad.length)]);
        b.writeBytes(utf8(word(random, random.nextInt(5)) + "\", \"amount\": 2.5}"));
        yield b.toByteArray();
      }
      case MISSING_KEY ->
          utf8("{\"status\": " + status + ", \"amount\": " + random.nextInt(100) + "}");
      case NULL_KEY ->
          utf8(
              "{\"order_id\": null, \"status\": " + (random.nextBoolean() ? "null" : status) + "}");
      case EMPTY -> new byte[0];
      case NOT_AN_OBJECT ->
          utf8(
              switch (random.nextInt(4)) {
                case 0 -> "[" + json + "]";
                case 1 -> "\"" + word(random, 8) + "\"";
                case 2 -> Long.toString(id);
                default -> "  " + word(random, 6) + " " + json;
              });
    };
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String word(Random random, int length) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < length; i++) {
      b.append((char) ('a' + random.nextInt(26)));
    }
    return b.toString();
  }

  private static String digits(Random random, int length) {
    StringBuilder b = new StringBuilder().append(1 + random.nextInt(9));
    for (int i = 1; i < length; i++) {
      b.append(random.nextInt(10));
    }
    return b.toString();
  }
}
