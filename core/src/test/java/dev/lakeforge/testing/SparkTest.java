package dev.lakeforge.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class the JVM's shared {@code SparkSession} and a fresh {@link TestWarehouse}, as
 * parameters of constructors, lifecycle methods and tests.
 *
 * <pre>{@code
 * @SparkTest
 * class OrdersTest {
 *   @Test
 *   void countsOrders(SparkSession spark, TestWarehouse warehouse) {
 *     spark.sql("CREATE TABLE orders (id INT) USING parquet");  // lands in warehouse.dir()
 *   }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SparkExtension.class)
public @interface SparkTest {}
