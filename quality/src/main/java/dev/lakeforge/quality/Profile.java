package dev.lakeforge.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakeforge.core.config.Redactor;
import java.util.List;

/**
 * A data set's profile: rows and one {@link ColumnProfile} per column.
 *
 * @param rows rows profiled
 * @param columns per column, in schema order
 */
public record Profile(long rows, List<ColumnProfile> columns) {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public Profile {
    columns = List.copyOf(columns);
  }

  /**
   * The profile of one column.
   *
   * @throws QualityException when the column was not profiled
   */
  public ColumnProfile column(String name) {
    return columns.stream()
        .filter(c -> c.column().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new QualityException(
                    "no profile for column '"
                        + name
                        + "'; columns: "
                        + columns.stream().map(ColumnProfile::column).toList()));
  }

  public String toJson() {
    try {
      return Redactor.global().redact(JSON.writeValueAsString(this));
    } catch (JsonProcessingException e) {
      throw new QualityException("cannot write the profile as JSON: " + e.getOriginalMessage(), e);
    }
  }
}
