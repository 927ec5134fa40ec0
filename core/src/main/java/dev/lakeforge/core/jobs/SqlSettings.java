package dev.lakeforge.core.jobs;

import static dev.lakeforge.core.config.SettingException.require;

import dev.lakeforge.core.Location;
import java.util.Map;

/**
 * The {@code sql:} section of the sql job.
 *
 * <pre>{@code
 * sql:
 *   file: demo.sql            # relative to this config file
 *   vars: {schema: demo}      # ${schema} in the file
 *   show: 20                  # rows printed for each statement that returns rows
 * }</pre>
 *
 * @param file the SQL file (or {@code --file}); a relative path starts at the config file's folder
 * @param vars values for {@code ${name}} in the file
 * @param show rows printed per query (default 20; 0 prints none)
 */
public record SqlSettings(Location file, Map<String, String> vars, Integer show) {
  public SqlSettings {
    vars = vars == null ? Map.of() : Map.copyOf(vars);
    show = show == null ? 20 : show;
    require(file == null || file.isLocal(), "file", "must be a local file, got " + file);
    require(show >= 0, "show", "must be 0 or more, got " + show);
  }
}
