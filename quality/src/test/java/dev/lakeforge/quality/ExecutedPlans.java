package dev.lakeforge.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.aggregate.BaseAggregateExec;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import org.apache.spark.sql.execution.window.WindowExec;
import org.apache.spark.sql.util.QueryExecutionListener;
import scala.jdk.javaapi.CollectionConverters;

/** The physical plans Spark executed while an action ran, and checks on their shape. */
final class ExecutedPlans {
  private ExecutedPlans() {}

  /** The plans of the queries {@code action} ran, in the order they finished. */
  static List<SparkPlan> of(SparkSession spark, Runnable action) {
    List<SparkPlan> plans = new ArrayList<>();
    QueryExecutionListener listener =
        new QueryExecutionListener() {
          @Override
          public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
            synchronized (plans) {
              plans.add(qe.executedPlan());
            }
          }

          @Override
          public void onFailure(String funcName, QueryExecution qe, Exception exception) {}
        };
    var sc = ((org.apache.spark.sql.classic.SparkSession) spark).sparkContext();
    spark.listenerManager().register(listener);
    try {
      action.run();
      sc.listenerBus().waitUntilEmpty(120_000); // the listener's events come asynchronously
    } catch (TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not empty in 2 minutes", e);
    } finally {
      spark.listenerManager().unregister(listener);
    }
    synchronized (plans) {
      return List.copyOf(plans);
    }
  }

  /**
   * No stage moves rows or groups into one partition: no window over all rows, and a single
   * partition receives only partial aggregates.
   */
  static void assertNoRowsInOnePartition(List<SparkPlan> plans) {
    List<SparkPlan> nodes = new ArrayList<>();
    plans.forEach(p -> walk(p, nodes));
    for (SparkPlan n : nodes) {
      if (n instanceof WindowExec w) {
        assertThat(w.partitionSpec().isEmpty())
            .as("a window over all rows: " + w.simpleStringWithNodeId())
            .isFalse();
      }
      if (n instanceof ShuffleExchangeExec e && e.outputPartitioning().numPartitions() == 1) {
        assertThat(unwrap(e.child()))
            .as("one partition receives only partial aggregates, not rows or groups:\n" + e)
            .isInstanceOf(BaseAggregateExec.class);
      }
    }
  }

  private static SparkPlan unwrap(SparkPlan p) {
    if (p instanceof QueryStageExec q) {
      return unwrap(q.plan());
    }
    return p instanceof WholeStageCodegenExec w ? unwrap(w.child()) : p;
  }

  private static void walk(SparkPlan p, List<SparkPlan> out) {
    out.add(p);
    if (p instanceof AdaptiveSparkPlanExec a) {
      walk(a.executedPlan(), out);
    }
    if (p instanceof QueryStageExec q) {
      walk(q.plan(), out);
    }
    CollectionConverters.asJava(p.children()).forEach(c -> walk(c, out));
  }
}
