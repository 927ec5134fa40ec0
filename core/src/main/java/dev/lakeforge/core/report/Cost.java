package dev.lakeforge.core.report;

/**
 * The cost of a run: core-hours and GPU-hours priced per hour.
 *
 * @param coreHours executor cores held times hours
 * @param gpuHours executor GPUs held times hours
 * @param pricePerCoreHour from the {@code cost:} config
 * @param pricePerGpuHour from the {@code cost:} config
 * @param currency from the {@code cost:} config
 * @param total {@code coreHours * pricePerCoreHour + gpuHours * pricePerGpuHour}
 */
public record Cost(
    double coreHours,
    double gpuHours,
    double pricePerCoreHour,
    double pricePerGpuHour,
    String currency,
    double total) {

  /** Prices the resources a run held. */
  public static Cost of(
      double coreSeconds,
      double gpuSeconds,
      double pricePerCoreHour,
      double pricePerGpuHour,
      String currency) {
    double coreHours = coreSeconds / 3600.0;
    double gpuHours = gpuSeconds / 3600.0;
    return new Cost(
        coreHours,
        gpuHours,
        pricePerCoreHour,
        pricePerGpuHour,
        currency,
        coreHours * pricePerCoreHour + gpuHours * pricePerGpuHour);
  }
}
