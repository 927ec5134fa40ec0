package dev.lakeforge.quality;

/**
 * One successful metric value in the shape of Deequ's {@code successMetricsAsJson}: {@code
 * {"entity": "Column", "instance": "amount", "name": "Completeness", "value": 0.98}}.
 */
public record MetricRecord(String entity, String instance, String name, double value) {}
