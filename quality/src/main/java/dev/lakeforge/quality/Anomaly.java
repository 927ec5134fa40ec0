package dev.lakeforge.quality;

/**
 * A point of a metric series that a strategy flags.
 *
 * @param index its position in the series (history first, the newest value last)
 * @param value the metric value
 * @param detail why, with the bounds it broke
 */
public record Anomaly(int index, double value, String detail) {}
