package dev.lakeforge.jobs;

import dev.lakeforge.quality.CheckResult;
import dev.lakeforge.quality.ColumnProfile;
import dev.lakeforge.quality.ColumnProfiler;
import dev.lakeforge.quality.ConstraintResult;
import dev.lakeforge.quality.InputSource;
import dev.lakeforge.quality.Profile;
import dev.lakeforge.quality.Suite;
import dev.lakeforge.quality.VerificationResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Function1;
import scala.Tuple3;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;

/**
 * Lakeforge for clients that cannot load Java code (a Python notebook over Spark Connect): SQL
 * table functions that run on the server.
 *
 * <pre>{@code
 * spark.sql.extensions=dev.lakeforge.jobs.LakeforgeSqlExtensions    (with lakeforge-jobs.jar on the server)
 *
 * SELECT * FROM lakeforge_verify('/suites/orders.yaml', 'lake.sales.orders');
 *   -- one row per constraint: check, level, check_status, constraint, status, metric, value, message
 * SELECT * FROM lakeforge_profile('lake.sales.orders');
 *   -- one row per column: column, type, completeness, approx_distinct, inferred_type, min, max, mean, ...
 * }</pre>
 */
public final class LakeforgeSqlExtensions implements Function1<SparkSessionExtensions, BoxedUnit> {
  /** The rows of {@code lakeforge_verify}. */
  public static final StructType VERIFY_SCHEMA =
      new StructType()
          .add("check", DataTypes.StringType)
          .add("level", DataTypes.StringType)
          .add("check_status", DataTypes.StringType)
          .add("constraint", DataTypes.StringType)
          .add("status", DataTypes.StringType)
          .add("metric", DataTypes.StringType)
          .add("value", DataTypes.DoubleType)
          .add("message", DataTypes.StringType);

  /** The rows of {@code lakeforge_profile}. */
  public static final StructType PROFILE_SCHEMA =
      new StructType()
          .add("column", DataTypes.StringType)
          .add("type", DataTypes.StringType)
          .add("completeness", DataTypes.DoubleType)
          .add("approx_distinct", DataTypes.LongType)
          .add("inferred_type", DataTypes.StringType)
          .add("min", DataTypes.DoubleType)
          .add("max", DataTypes.DoubleType)
          .add("mean", DataTypes.DoubleType)
          .add("std_dev", DataTypes.DoubleType)
          .add("histogram", DataTypes.StringType);

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    extensions.injectTableFunction(
        new Tuple3<>(
            FunctionIdentifier.apply("lakeforge_verify"),
            new ExpressionInfo(getClass().getName(), "lakeforge_verify"),
            (Function1<Seq<Expression>, LogicalPlan>)
                args -> verify(strings("lakeforge_verify", args, 2))));
    extensions.injectTableFunction(
        new Tuple3<>(
            FunctionIdentifier.apply("lakeforge_profile"),
            new ExpressionInfo(getClass().getName(), "lakeforge_profile"),
            (Function1<Seq<Expression>, LogicalPlan>)
                args -> profile(strings("lakeforge_profile", args, 1))));
    return BoxedUnit.UNIT;
  }

  private static List<String> strings(String function, Seq<Expression> args, int expected) {
    List<Expression> list = CollectionConverters.asJava(args);
    if (list.size() != expected) {
      throw new IllegalArgumentException(
          function
              + " takes "
              + expected
              + " string argument(s), got "
              + list.size()
              + (function.equals("lakeforge_verify")
                  ? ": lakeforge_verify('<suite file>', '<table or path>')"
                  : ": lakeforge_profile('<table or path>')"));
    }
    List<String> out = new ArrayList<>();
    for (Expression e : list) {
      if (!e.foldable()) {
        throw new IllegalArgumentException(function + " takes literal strings, got " + e.sql());
      }
      Object v = e.eval(null);
      out.add(v == null ? null : v.toString());
    }
    return out;
  }

  private static LogicalPlan verify(List<String> args) {
    SparkSession spark = SparkSession.active();
    Suite suite = Suite.load(Path.of(args.get(0)));
    VerificationResult r = suite.verification(InputSource.of(args.get(1)).read(spark, false)).run();
    List<Row> rows = new ArrayList<>();
    for (CheckResult c : r.checkResults()) {
      for (ConstraintResult k : c.constraints()) {
        rows.add(
            RowFactory.create(
                c.check().description(),
                c.check().level().name(),
                c.status().name(),
                k.constraint().name(),
                k.status().name(),
                k.constraint().analyzer().describe(),
                k.metricValue(),
                k.message()));
      }
    }
    return spark.createDataFrame(rows, VERIFY_SCHEMA).logicalPlan();
  }

  private static LogicalPlan profile(List<String> args) {
    SparkSession spark = SparkSession.active();
    Profile p = ColumnProfiler.onData(InputSource.of(args.get(0)).read(spark, false)).run();
    List<Row> rows = new ArrayList<>();
    for (ColumnProfile c : p.columns()) {
      rows.add(
          RowFactory.create(
              c.column(),
              c.sparkType(),
              c.completeness(),
              c.approxDistinct(),
              c.inferredType(),
              c.min(),
              c.max(),
              c.mean(),
              c.stdDev(),
              c.histogram() == null ? null : c.histogram().toString()));
    }
    return spark.createDataFrame(rows, PROFILE_SCHEMA).logicalPlan();
  }
}
