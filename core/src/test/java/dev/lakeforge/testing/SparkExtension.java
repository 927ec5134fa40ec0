package dev.lakeforge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** JUnit 5 extension behind {@link SparkTest}: shared session, fresh warehouse per test class. */
public final class SparkExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(SparkExtension.class);
  private static final AtomicInteger COUNTER = new AtomicInteger();

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    SparkSession spark = SharedSpark.session();
    String cls =
        context
            .getRequiredTestClass()
            .getSimpleName()
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9]", "");
    String db = "t_" + cls + "_" + COUNTER.incrementAndGet();
    Path dir =
        Files.createTempDirectory(
            Files.createDirectories(SharedSpark.root().resolve("warehouses")), cls + "-");
    spark.sql("CREATE DATABASE " + db + " LOCATION '" + dir.toUri() + "'");
    spark.sql("USE " + db);
    context.getStore(NS).put(TestWarehouse.class, new TestWarehouse(dir, db));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    TestWarehouse w = context.getStore(NS).remove(TestWarehouse.class, TestWarehouse.class);
    if (w == null) {
      return;
    }
    SparkSession spark = SharedSpark.session();
    spark.sql("USE default");
    spark.sql("DROP DATABASE IF EXISTS " + w.database() + " CASCADE");
    deleteRecursively(w.dir());
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    Class<?> t = p.getParameter().getType();
    return t == SparkSession.class || t == TestWarehouse.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    if (p.getParameter().getType() == SparkSession.class) {
      return SharedSpark.session();
    }
    ExtensionContext c = e;
    while (c != null) {
      TestWarehouse w = c.getStore(NS).get(TestWarehouse.class, TestWarehouse.class);
      if (w != null) {
        return w;
      }
      c = c.getParent().orElse(null);
    }
    throw new IllegalStateException("no TestWarehouse: annotate the test class with @SparkTest");
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
