package dev.lakeforge.quality;

import java.util.Map;

/**
 * What the profiler found in one column. Statistics a column's type does not have are null.
 *
 * @param column the column
 * @param sparkType its Spark type, e.g. {@code bigint}
 * @param completeness non-null values / rows
 * @param approxDistinct approximate distinct values (HyperLogLog++)
 * @param inferredType for strings: the type most non-null values parse as (Integral, Fractional,
 *     Boolean, String); for other columns the Spark type's kind
 * @param typeCounts for strings: values per inferred type (Unknown = null)
 * @param min minimum (numeric columns)
 * @param max maximum (numeric columns)
 * @param mean mean (numeric columns)
 * @param stdDev population standard deviation (numeric columns)
 * @param sum sum (numeric columns)
 * @param quantiles approximate 25th, 50th and 75th percentiles (numeric columns)
 * @param minLength shortest string (string columns)
 * @param maxLength longest string (string columns)
 * @param histogram value counts (null as NullValue) for low-cardinality columns, else null
 */
public record ColumnProfile(
    String column,
    String sparkType,
    double completeness,
    long approxDistinct,
    String inferredType,
    Map<String, Long> typeCounts,
    Double min,
    Double max,
    Double mean,
    Double stdDev,
    Double sum,
    Map<String, Double> quantiles,
    Double minLength,
    Double maxLength,
    Map<String, Long> histogram) {}
