package dev.lakeforge.quality;

/** The outcome of a check or a verification, from best to worst. */
public enum CheckStatus {
  SUCCESS,
  WARNING,
  ERROR;

  CheckStatus worst(CheckStatus other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}
