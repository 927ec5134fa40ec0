package dev.lakeforge.quality;

/** Built-in regexes for {@link PatternMatch} and the containsX constraints. */
public final class Patterns {
  /** An e-mail address: local part, {@code @}, a domain with at least one dot. */
  public static final String EMAIL =
      "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$";

  /** An http, https or ftp URL with a host. */
  public static final String URL = "^(?:https?|ftp)://[^\\s/$.?#][^\\s]*$";

  /**
   * A 13 to 19 digit card number, optionally grouped by spaces or dashes (Visa, Mastercard, Amex,
   * Discover, ...).
   */
  public static final String CREDIT_CARD =
      "^(?:4\\d{3}|5[1-5]\\d{2}|2[2-7]\\d{2}|3[47]\\d{2}|6(?:011|5\\d{2}))[ -]?\\d{4}[ -]?\\d{4}[ -]?\\d{1,7}$";

  private Patterns() {}
}
