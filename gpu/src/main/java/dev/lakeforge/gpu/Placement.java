package dev.lakeforge.gpu;

/**
 * Where the RAPIDS Accelerator would run one operator or expression of a plan: the marker at the
 * start of each line of its explain output.
 */
public enum Placement {
  /** {@code *}: runs on the GPU. */
  ON_GPU('*'),
  /**
   * {@code ^}: runs on the GPU through the CPU bridge: the expression itself is evaluated on the
   * CPU, its operator stays on the GPU (UDFs, regular expressions the GPU cannot compile).
   */
  CPU_BRIDGE('^'),
  /** {@code @}: could run on the GPU, but stays on the CPU because its operator falls back. */
  COULD_RUN('@'),
  /** {@code !}: cannot run on the GPU, for the reason given. */
  CANNOT_RUN('!'),
  /**
   * {@code $}: could run on the GPU, but the cost-based optimizer keeps it on the CPU (only with
   * {@code spark.rapids.sql.optimizer.enabled}, decided when the query runs).
   */
  KEPT_ON_CPU_BY_COST('$'),
  /** {@code #}: removed from the plan on the GPU (a sort before a join the GPU does by hash). */
  REMOVED('#');

  private final char marker;

  Placement(char marker) {
    this.marker = marker;
  }

  /** The character RAPIDS prints for this placement. */
  public char marker() {
    return marker;
  }

  /** Whether the node runs on the CPU in the GPU plan. */
  public boolean isFallback() {
    return this == CPU_BRIDGE || this == CANNOT_RUN || this == KEPT_ON_CPU_BY_COST;
  }

  static Placement of(char marker) {
    for (Placement p : values()) {
      if (p.marker == marker) {
        return p;
      }
    }
    return null;
  }
}
