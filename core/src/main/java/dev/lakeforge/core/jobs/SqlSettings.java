package dev.lakeforge.core.jobs;

import static dev.lakeforge.core.config.SettingException.require;

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
 * @param file the SQL file (or {@code --file})
 * @param vars values for {@code ${name}} in the file
 * @param show rows printed per query (default 20; 0 prints none)
 */
public record SqlSettings(String file, Map<String, String> vars, Integer show) {
  public SqlSettings {
    vars = vars == null ? Map.of() : Map.copyOf(vars);
    show = show == null ? 20 : show;
    require(show >= 0, "show", "must be 0 or more, got " + show);
  }
}
