package dev.lakeforge.core.job;

import static dev.lakeforge.core.config.SettingException.require;

/**
 * The {@code cost:} section: prices for cost attribution.
 *
 * <pre>{@code
 * cost:
 *   currency: USD
 *   pricePerCoreHour: 0.048
 *   pricePerGpuHour: 2.10
 * }</pre>
 *
 * @param currency shown next to the cost (default USD)
 * @param pricePerCoreHour price of one executor core for one hour (default 0)
 * @param pricePerGpuHour price of one GPU for one hour (default 0)
 */
public record CostSettings(String currency, Double pricePerCoreHour, Double pricePerGpuHour) {
  public CostSettings {
    currency = currency == null ? "USD" : currency;
    pricePerCoreHour = pricePerCoreHour == null ? 0.0 : pricePerCoreHour;
    pricePerGpuHour = pricePerGpuHour == null ? 0.0 : pricePerGpuHour;
    require(
        pricePerCoreHour >= 0, "pricePerCoreHour", "must be 0 or more, got " + pricePerCoreHour);
    require(pricePerGpuHour >= 0, "pricePerGpuHour", "must be 0 or more, got " + pricePerGpuHour);
  }
}
