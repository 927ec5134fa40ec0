package dev.lakeforge.iceberg;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import java.util.Arrays;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.spark.source.HasIcebergCatalog;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.CatalogPlugin;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A table name ({@code catalog.namespace.table}, parsed as Spark parses identifiers, so quoted
 * parts may hold dots or quotes) and the Iceberg catalog behind its first part: for catalog calls
 * that must not be built as SQL text.
 *
 * @param catalog the Iceberg catalog
 * @param id the table inside it
 */
record CatalogTable(Catalog catalog, TableIdentifier id) {
  /**
   * @throws LakeTableException when the name is not catalog.namespace.table, or its catalog is not
   *     a declared Iceberg catalog
   */
  static CatalogTable of(SparkSession spark, String name) {
    org.apache.spark.sql.classic.SparkSession classic =
        (org.apache.spark.sql.classic.SparkSession) spark;
    String[] parts = parts(classic, name);
    if (parts.length < 3) {
      throw new LakeTableException(
          ErrorKind.USAGE, "'" + name + "' is not catalog.namespace.table");
    }
    requireDeclaredCatalog(spark, name);
    CatalogPlugin plugin = classic.sessionState().catalogManager().catalog(parts[0]);
    if (!(plugin instanceof HasIcebergCatalog iceberg)) {
      throw new LakeTableException(
          ErrorKind.USAGE, "catalog '" + parts[0] + "' is not an Iceberg catalog");
    }
    return new CatalogTable(
        iceberg.icebergCatalog(),
        TableIdentifier.of(
            Namespace.of(Arrays.copyOfRange(parts, 1, parts.length - 1)), parts[parts.length - 1]));
  }

  /**
   * @throws LakeTableException ({@link ErrorKind#NOT_FOUND}) when {@code name} has three or more
   *     parts and its first is not a declared catalog (Spark would read it as a namespace of its
   *     own catalog)
   */
  static void requireDeclaredCatalog(SparkSession spark, String name) {
    org.apache.spark.sql.classic.SparkSession classic =
        (org.apache.spark.sql.classic.SparkSession) spark;
    String[] parts = parts(classic, name);
    if (parts.length >= 3
        && !classic.sessionState().catalogManager().isCatalogRegistered(parts[0])) {
      throw new LakeTableException(
          ErrorKind.NOT_FOUND,
          "catalog '"
              + parts[0]
              + "' of "
              + name
              + " is not declared:"
              + " declare it under catalogs: in the job config");
    }
  }

  /**
   * The name of table {@code table} beside {@code name} (same catalog and namespace), each part
   * quoted as Spark quotes identifiers.
   */
  static String beside(SparkSession spark, String name, String table) {
    String[] parts = parts((org.apache.spark.sql.classic.SparkSession) spark, name);
    parts[parts.length - 1] = table;
    return Arrays.stream(parts)
        .map(p -> "`" + p.replace("`", "``") + "`")
        .collect(java.util.stream.Collectors.joining("."));
  }

  private static String[] parts(org.apache.spark.sql.classic.SparkSession classic, String name) {
    try {
      return CollectionConverters.asJava(
              classic.sessionState().sqlParser().parseMultipartIdentifier(name))
          .toArray(String[]::new);
    } catch (Exception e) {
      throw new LakeTableException(
          ErrorKind.USAGE,
          "'" + name + "' is not a table name: " + LakeforgeException.firstLine(e),
          e);
    }
  }
}
