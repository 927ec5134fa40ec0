package dev.lakeforge.iceberg;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.LakeforgeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Table;

/**
 * A rollback (or its undo) as recorded in the table property {@value #PROPERTY}.
 *
 * @param fromSnapshot the snapshot that was current before
 * @param toSnapshot the snapshot made current
 * @param by who did it
 * @param at when
 * @param reason why
 * @param undo whether this record undid an earlier rollback
 * @param undone whether this rollback has been undone since
 * @param undoUntil until when the rollback can be undone (ISO-8601): table maintenance keeps the
 *     snapshot it rolled back from until then; null for an undo and for rollbacks recorded before
 *     undo windows existed
 */
public record RollbackRecord(
    long fromSnapshot,
    long toSnapshot,
    String by,
    String at,
    String reason,
    boolean undo,
    boolean undone,
    String undoUntil) {
  /** The table property holding the rollback log (JSON). */
  public static final String PROPERTY = "lakeforge.rollback-log";

  private static final ObjectMapper JSON = new ObjectMapper();

  static RollbackRecord of(
      long from, long to, String by, String reason, Instant at, Instant undoUntil) {
    return new RollbackRecord(
        from, to, by, at.toString(), reason, false, false, undoUntil.toString());
  }

  static RollbackRecord undo(RollbackRecord r, String by, String reason) {
    return new RollbackRecord(
        r.toSnapshot(), r.fromSnapshot(), by, Instant.now().toString(), reason, true, false, null);
  }

  /**
   * The tag that keeps the snapshot a rollback left, so the rollback can be undone: Iceberg's
   * snapshot expiry keeps it until its maximum age, the end of the undo window.
   */
  static String undoTag(long fromSnapshot) {
    return "lakeforge-undo-" + fromSnapshot;
  }

  static List<RollbackRecord> log(Table t) {
    String json = t.properties().get(PROPERTY);
    if (json == null || json.isBlank()) {
      return new ArrayList<>();
    }
    try {
      return new ArrayList<>(JSON.readValue(json, new TypeReference<List<RollbackRecord>>() {}));
    } catch (Exception e) {
      throw new LakeTableException(
          "table property "
              + PROPERTY
              + " of "
              + t.name()
              + " is not a rollback log: "
              + LakeforgeException.firstLine(e),
          e);
    }
  }

  /** Appends a record, marking {@code undoneRecord} (if any) as undone, in one property update. */
  static void append(Table t, RollbackRecord record, RollbackRecord undoneRecord) {
    List<RollbackRecord> log = log(t);
    if (undoneRecord != null) {
      int i = log.lastIndexOf(undoneRecord);
      if (i >= 0) {
        RollbackRecord u = log.get(i);
        log.set(
            i,
            new RollbackRecord(
                u.fromSnapshot(),
                u.toSnapshot(),
                u.by(),
                u.at(),
                u.reason(),
                u.undo(),
                true,
                u.undoUntil()));
      }
    }
    log.add(record);
    try {
      t.updateProperties().set(PROPERTY, JSON.writeValueAsString(log)).commit();
    } catch (JsonProcessingException e) {
      throw new LakeTableException(
          "cannot record the rollback of " + t.name() + ": " + e.getOriginalMessage(), e);
    }
  }
}
