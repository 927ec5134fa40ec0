package dev.lakeforge.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The memory a run took, two ways: the heap still in use after each garbage collection, at its
 * highest (what the run holds, whatever the collector's appetite), and the process's peak resident
 * memory (Linux's {@code VmHWM}: what a container limit would have to allow, which also counts the
 * heap the collector chose to keep). {@link #start()} begins a measurement, so that it covers the
 * runs measured and not the set-up before them.
 *
 * <pre>{@code
 * PeakMemory peak = PeakMemory.start();
 * runTheJob();
 * long idle = peak.heapAtStartKib(), heap = peak.heapAfterGcKib(), rss = peak.residentKib();
 * }</pre>
 */
final class PeakMemory {
  private final AtomicLong heapAfterGc = new AtomicLong(-1);
  private final long heapAtStartKib;

  private PeakMemory(long heapAtStartKib) {
    this.heapAtStartKib = heapAtStartKib;
  }

  /** Resets the process's peak resident memory and listens to every collection from now on. */
  static PeakMemory start() {
    System.gc(); // a full collection: what the idle process holds, before any run
    PeakMemory peak =
        new PeakMemory(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024);
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException | UnsupportedOperationException notLinux) {
      // residentKib() then reports the peak since the start, or -1
    }
    Set<String> heapPools =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .map(MemoryPoolMXBean::getName)
            .collect(Collectors.toSet());
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc)
          .addNotificationListener(
              (n, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                    n.getType())) {
                  long used =
                      GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData())
                          .getGcInfo()
                          .getMemoryUsageAfterGc()
                          .entrySet()
                          .stream()
                          .filter(e -> heapPools.contains(e.getKey()))
                          .map(java.util.Map.Entry::getValue)
                          .mapToLong(MemoryUsage::getUsed)
                          .sum();
                  peak.heapAfterGc.accumulateAndGet(used / 1024, Math::max);
                }
              },
              null,
              null);
    }
    return peak;
  }

  /** The heap in use after a full collection at {@link #start()}, in KiB: the idle process. */
  long heapAtStartKib() {
    return heapAtStartKib;
  }

  /** The most heap in use right after a collection since {@link #start()}, in KiB; -1 none ran. */
  long heapAfterGcKib() {
    return heapAfterGc.get();
  }

  /** The process's peak resident memory since {@link #start()}, in KiB; -1 unknown. */
  long residentKib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException notLinux) {
      // unknown
    }
    return -1;
  }
}
