package dev.lakeforge.jobs;

import dev.lakeforge.core.config.SettingException;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code catalog.namespace} setting the workflow jobs write their tables into: one rule for its
 * form and one check that its catalog is declared.
 *
 * <pre>{@code
 * CatalogNamespace.require("namespace", settings.namespace(), "lake.analytics");
 * CatalogNamespace.undeclaredCatalog(ctx.spark(), ns).ifPresent(c -> plan.problem("no catalog " + c));
 * }</pre>
 */
public final class CatalogNamespace {
  private CatalogNamespace() {}

  /** Fails naming {@code key} unless {@code value} is {@code catalog.namespace}. */
  public static void require(String key, String value, String example) {
    SettingException.require(
        value.matches("[A-Za-z_]\\w*\\.[A-Za-z_]\\w*"),
        key,
        "must be catalog.namespace, e.g. " + example + ", got " + value);
  }

  /** The catalog of {@code namespace} when the session has no such catalog. */
  public static Optional<String> undeclaredCatalog(SparkSession spark, String namespace) {
    String catalog = namespace.substring(0, namespace.indexOf('.'));
    return spark.sessionState().catalogManager().isCatalogRegistered(catalog)
        ? Optional.empty()
        : Optional.of(catalog);
  }
}
