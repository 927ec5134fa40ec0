package dev.lakeforge.baseline;

import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.ApproxCountDistinct;
import com.amazon.deequ.analyzers.ApproxQuantile;
import com.amazon.deequ.analyzers.Completeness;
import com.amazon.deequ.analyzers.Compliance;
import com.amazon.deequ.analyzers.Correlation;
import com.amazon.deequ.analyzers.CountDistinct;
import com.amazon.deequ.analyzers.Distinctness;
import com.amazon.deequ.analyzers.Entropy;
import com.amazon.deequ.analyzers.MaxLength;
import com.amazon.deequ.analyzers.Maximum;
import com.amazon.deequ.analyzers.Mean;
import com.amazon.deequ.analyzers.MinLength;
import com.amazon.deequ.analyzers.Minimum;
import com.amazon.deequ.analyzers.MutualInformation;
import com.amazon.deequ.analyzers.PatternMatch;
import com.amazon.deequ.analyzers.Size;
import com.amazon.deequ.analyzers.StandardDeviation;
import com.amazon.deequ.analyzers.Sum;
import com.amazon.deequ.analyzers.UniqueValueRatio;
import com.amazon.deequ.analyzers.Uniqueness;
import com.amazon.deequ.analyzers.runners.AnalysisRunBuilder;
import com.amazon.deequ.analyzers.runners.AnalysisRunner;
import com.amazon.deequ.analyzers.runners.AnalyzerContext;
import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Option;
import scala.collection.JavaConverters;
import scala.collection.Seq;
import scala.util.matching.Regex;

import com.amazon.deequ.analyzers.runners.AnalyzerContext$;

/**
 * Computes, with Deequ 2.1.0 on Spark 3.5.7, the analyzers that DeequComparison computes with
 * Lakeforge, on the same Parquet data. Usage: {@code DeequBaseline <parquet path> <output json> <runs>}.
 * Writes {"wallMillis": [...], "heapAtStartKiB": n, "peakHeapAfterGcKiB": n, "peakRssKiB": n, "metrics": <successMetricsAsJson>}.
 */
public final class DeequBaseline {
  private DeequBaseline() {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  static List<Analyzer> analyzers() {
    Option none = Option.empty();
    List<Analyzer> a = new ArrayList<>();
    a.add(new Size(none));
    for (String c : List.of("id", "amount", "status", "email", "sku")) {
      a.add(new Completeness(c, none, none));
    }
    a.add(new Mean("amount", none));
    a.add(new Sum("tax", none));
    a.add(new Minimum("amount", none, none));
    a.add(new Maximum("amount", none, none));
    a.add(new StandardDeviation("discount", none));
    a.add(new MinLength("email", none, none));
    a.add(new MaxLength("sku", none, none));
    a.add(new Compliance("non-negative amount", "amount >= 0", none, scala.collection.immutable.List$.MODULE$.empty(), none));
    a.add(new PatternMatch("email", new Regex("@example\\.com$", seq(List.of())), none, none));
    a.add(new Correlation("quantity", "tax", none));
    a.add(new ApproxCountDistinct("customer", none));
    a.add(new ApproxQuantile("amount", 0.5, 0.01, none));
    a.add(new Uniqueness(seq(List.of("customer")), none, none));
    a.add(new Distinctness(seq(List.of("status")), none));
    a.add(new UniqueValueRatio(seq(List.of("sku")), none, none));
    a.add(new CountDistinct(seq(List.of("customer"))));
    a.add(new Entropy("status", none));
    a.add(new MutualInformation(seq(List.of("status", "quantity")), none));
    return a;
  }

  static Seq<String> seq(List<String> l) {
    return JavaConverters.asScalaBufferConverter(l).asScala().toSeq();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  public static void main(String[] args) throws Exception {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("deequ-baseline")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    Dataset<Row> df = spark.read().parquet(args[0]);
    // Memory over the runs, as DeequComparison measures its own (PeakMemory.start, in the same
    // order): the heap in use after a collection at its highest, and the peak resident memory
    // (Linux: VmHWM, reset here, after the collection).
    System.gc(); // a full collection: what the idle session holds, before any run
    long heapAtStartKib = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (java.io.IOException notLinux) {
      // the peak since the start, or none
    }
    AtomicLong heapAfterGc = new AtomicLong(-1);
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener((n, handback) -> {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
          long used = 0;
          for (Map.Entry<String, MemoryUsage> e : GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData())
              .getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (ManagementFactory.getMemoryPoolMXBeans().stream()
                .anyMatch(p -> p.getName().equals(e.getKey()) && p.getType() == MemoryType.HEAP)) {
              used += e.getValue().getUsed();
            }
          }
          heapAfterGc.accumulateAndGet(used / 1024, Math::max);
        }
      }, null, null);
    }
    int runs = Integer.parseInt(args[2]);
    List<Long> times = new ArrayList<>();
    AnalyzerContext ctx = null;
    for (int i = 0; i <= runs; i++) {
      AnalysisRunBuilder b = AnalysisRunner.onData(df);
      for (Analyzer a : analyzers()) {
        b = b.addAnalyzer(a);
      }
      long t0 = System.nanoTime();
      ctx = b.run();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      if (i > 0) {
        times.add(ms); // the first run warms up the JVM
      }
    }
    String metrics = AnalyzerContext$.MODULE$.successMetricsAsJson(ctx, AnalyzerContext$.MODULE$.successMetricsAsJson$default$2());
    long peakKib = -1;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        peakKib = Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    String out = "{\"wallMillis\": " + times + ", \"heapAtStartKiB\": " + heapAtStartKib + ", \"peakHeapAfterGcKiB\": " + heapAfterGc.get() + ", \"peakRssKiB\": " + peakKib + ", \"metrics\": " + metrics + "}";
    Files.writeString(Path.of(args[1]), out, StandardCharsets.UTF_8);
    spark.stop();
  }
}
