package dev.lakeforge.core.rightsize;

import dev.lakeforge.core.Units;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The executor rightsizing calculator: from input size, target partition size, node shape and SLA
 * it suggests executors, cores, memory and overhead, shuffle partitions and dynamic-allocation
 * bounds, and says why.
 *
 * <pre>{@code
 * Recommendation r = Rightsizer.recommend(new RightsizeRequest(
 *     Units.bytes("2t"), Units.bytes("128m"), new NodeShape(16, Units.bytes("64g"), 0),
 *     Duration.ofHours(1), Units.bytes("32m"), 1.0));
 * System.out.print(r.render());
 * }</pre>
 *
 * <p>Rules: one core and max(1 GiB, 10%) of memory per node stay with the OS and kubelet; CPU
 * executors get up to 5 cores (more cores per JVM add GC and I/O contention), chosen to waste the
 * fewest node cores; GPU nodes get one executor per GPU; memory overhead is max(384 MiB, 10% of the
 * heap), as Spark's default; input is cut into partitions of the target size and the job gets as
 * many cores as it needs to finish those in the SLA, with a 25% margin; shuffle partitions match
 * the shuffle bytes at the target size, rounded up to a multiple of the total cores.
 */
public final class Rightsizer {
  static final long MIB = 1024L * 1024;
  static final long GIB = 1024 * MIB;
  static final int MAX_CORES_PER_EXECUTOR = 5;
  static final double OVERHEAD_FRACTION = 0.10;
  static final long MIN_OVERHEAD = 384 * MIB;
  static final double SLA_MARGIN = 1.25;

  private Rightsizer() {}

  public static Recommendation recommend(RightsizeRequest r) {
    List<String> why = new ArrayList<>();
    NodeShape node = r.node();
    int usableCores = Math.max(1, node.cores() - 1);
    long reserve = Math.max(GIB, node.memoryBytes() / 10);
    long usableMemory = node.memoryBytes() - reserve;
    why.add(
        String.format(
            Locale.ROOT,
            "Each node has %d cores and %s; 1 core and %s stay with the OS and kubelet,"
                + " leaving %d cores and %s.",
            node.cores(),
            Units.human(node.memoryBytes()),
            Units.human(reserve),
            usableCores,
            Units.human(usableMemory)));

    int coresPerExecutor;
    int executorsPerNode;
    int gpusPerExecutor = 0;
    if (node.gpus() > 0) {
      executorsPerNode = node.gpus();
      coresPerExecutor = Math.max(1, usableCores / node.gpus());
      gpusPerExecutor = 1;
      why.add(
          String.format(
              Locale.ROOT,
              "GPU nodes: one executor per GPU, so %d executors per node with %d cores each.",
              executorsPerNode,
              coresPerExecutor));
    } else {
      int best = Math.min(MAX_CORES_PER_EXECUTOR, usableCores);
      for (int c = best - 1; c >= 1; c--) {
        if ((usableCores / c) * c > (usableCores / best) * best) {
          best = c;
        }
      }
      coresPerExecutor = best;
      executorsPerNode = usableCores / best;
      why.add(
          String.format(
              Locale.ROOT,
              "%d cores per executor (at most %d, the number that wastes the fewest of the"
                  + " %d cores): %d executors per node, %d core(s) idle.",
              best,
              MAX_CORES_PER_EXECUTOR,
              usableCores,
              executorsPerNode,
              usableCores - executorsPerNode * best));
    }

    long slot = usableMemory / executorsPerNode;
    long heap = (long) (slot / (1 + OVERHEAD_FRACTION));
    long overhead = (long) (heap * OVERHEAD_FRACTION);
    if (overhead < MIN_OVERHEAD) {
      overhead = MIN_OVERHEAD;
      heap = slot - overhead;
    }
    heap = heap / MIB * MIB;
    overhead = (overhead + MIB - 1) / MIB * MIB;
    why.add(
        String.format(
            Locale.ROOT,
            "%s per executor slot = %s heap + %s overhead (max(384 MiB, 10%% of heap)).",
            Units.human(slot),
            Units.human(heap),
            Units.human(overhead)));
    if (heap < 2 * GIB) {
      why.add(
          "Warning: less than 2 GiB of heap per executor; wide shuffles and joins may spill. Consider nodes with more memory per core.");
    }

    long partitions = Math.max(1, ceilDiv(r.inputBytes(), r.partitionBytes()));
    double taskSeconds = (double) r.partitionBytes() / r.bytesPerCoreSecond();
    why.add(
        String.format(
            Locale.ROOT,
            "%s of input in %s partitions = %d input partitions; at %s/s per core one"
                + " partition takes about %.0f s.",
            Units.human(r.inputBytes()),
            Units.human(r.partitionBytes()),
            partitions,
            Units.human(r.bytesPerCoreSecond()),
            taskSeconds));

    double budget = r.sla().toSeconds() / SLA_MARGIN;
    long waves = (long) Math.floor(budget / taskSeconds);
    if (waves < 1) {
      waves = 1;
      why.add(
          String.format(
              Locale.ROOT,
              "Warning: one partition (%.0f s) does not fit the SLA of %d s with a 25%% margin;"
                  + " lower the partition size or speed up the job.",
              taskSeconds,
              r.sla().toSeconds()));
    }
    long coresNeeded = Math.max(1, ceilDiv(partitions, waves));
    int executors = (int) Math.max(1, ceilDiv(coresNeeded, coresPerExecutor));
    int nodes = (int) ceilDiv(executors, executorsPerNode);
    long totalCores = (long) executors * coresPerExecutor;
    double estimated = ceilDiv(partitions, totalCores) * taskSeconds;
    why.add(
        String.format(
            Locale.ROOT,
            "The SLA of %s with a 25%% margin allows %d wave(s) of tasks, so %d cores are"
                + " needed: %d executors on %d node(s), finishing in about %.0f s.",
            r.sla(),
            waves,
            coresNeeded,
            executors,
            nodes,
            estimated));

    long shuffle =
        Math.max(1, ceilDiv((long) (r.inputBytes() * r.shuffleRatio()), r.partitionBytes()));
    long shufflePartitions = Math.max(totalCores, ceilDiv(shuffle, totalCores) * totalCores);
    why.add(
        String.format(
            Locale.ROOT,
            "Shuffle of about %s (%.2fx input) at %s per partition, rounded up to a"
                + " multiple of the %d cores: %d shuffle partitions.",
            Units.human((long) (r.inputBytes() * r.shuffleRatio())),
            r.shuffleRatio(),
            Units.human(r.partitionBytes()),
            totalCores,
            shufflePartitions));

    int min = Math.max(1, (int) ceilDiv(executors, 4));
    int oneWave = (int) Math.max(1, ceilDiv(partitions, coresPerExecutor));
    int max = Math.max(executors, Math.min(oneWave, 2 * executors));
    why.add(
        String.format(
            Locale.ROOT,
            "Dynamic allocation: start at %d, keep at least %d (a quarter) when idle, grow"
                + " to %d (the input in one wave, at most twice the SLA figure) when behind.",
            executors,
            min,
            max));

    return new Recommendation(
        executors,
        coresPerExecutor,
        heap,
        overhead,
        gpusPerExecutor,
        nodes,
        partitions,
        shufflePartitions,
        min,
        max,
        r.partitionBytes(),
        estimated,
        List.copyOf(why));
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
