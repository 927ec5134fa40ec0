package dev.lakeforge.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A config value that must never be printed: {@code toString()} and JSON show {@value
 * Redactor#MASK}; {@link #reveal()} gives the value to code that needs it.
 *
 * <pre>{@code
 * record Db(String url, String user, Secret password) {}
 * Db db = config.bind("db", Db.class);
 * connect(db.url(), db.user(), db.password().reveal());
 * }</pre>
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  @JsonCreator
  public static Secret of(String value) {
    Redactor.global().add(value);
    return new Secret(value);
  }

  /** The secret itself; pass it on, never print it. */
  public String reveal() {
    return value;
  }

  @JsonValue
  @Override
  public String toString() {
    return Redactor.MASK;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
