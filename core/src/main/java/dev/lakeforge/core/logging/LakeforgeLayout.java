package dev.lakeforge.core.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.lakeforge.core.config.Redactor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.layout.AbstractStringLayout;

/**
 * One log line per event, as JSON (cluster runs) or plain text (local runs), with the job name and
 * run id on every line and every known secret masked.
 */
final class LakeforgeLayout extends AbstractStringLayout {
  private static final JsonFactory JSON = new JsonFactory();
  private static final DateTimeFormatter TEXT_TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final boolean json;
  private final String job;
  private final String runId;
  private final Redactor redactor;

  LakeforgeLayout(boolean json, String job, String runId, Redactor redactor) {
    super(StandardCharsets.UTF_8);
    this.json = json;
    this.job = job;
    this.runId = runId;
    this.redactor = redactor;
  }

  @Override
  public String toSerializable(LogEvent event) {
    String message = redactor.redact(event.getMessage().getFormattedMessage());
    String error = null;
    if (event.getThrown() != null) {
      StringWriter sw = new StringWriter();
      event.getThrown().printStackTrace(new PrintWriter(sw));
      error = redactor.redact(sw.toString());
    }
    Instant time = Instant.ofEpochMilli(event.getTimeMillis());
    return json ? json(event, time, message, error) : text(event, time, message, error);
  }

  private String text(LogEvent e, Instant time, String message, String error) {
    String logger = e.getLoggerName();
    String shortLogger = logger == null ? "" : logger.substring(logger.lastIndexOf('.') + 1);
    StringBuilder sb =
        new StringBuilder(128)
            .append(TEXT_TIME.format(time))
            .append(' ')
            .append(String.format("%-5s", e.getLevel()))
            .append(' ')
            .append('[')
            .append(job)
            .append(' ')
            .append(runId)
            .append("] ")
            .append(shortLogger)
            .append(": ")
            .append(message)
            .append(System.lineSeparator());
    if (error != null) {
      sb.append(error);
    }
    return sb.toString();
  }

  private String json(LogEvent e, Instant time, String message, String error) {
    StringWriter sw = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(sw)) {
      g.writeStartObject();
      g.writeStringField("ts", time.toString());
      g.writeStringField("level", e.getLevel().name());
      g.writeStringField("logger", e.getLoggerName());
      g.writeStringField("thread", e.getThreadName());
      g.writeStringField("job", job);
      g.writeStringField("run_id", runId);
      g.writeStringField("message", message);
      if (error != null) {
        g.writeStringField("error", error);
      }
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return sw.append(System.lineSeparator()).toString();
  }
}
