package dev.lakeforge.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Variants of a job timed one after the other within each run, their order rotated from run to run
 * so that none always follows the same one: on a shared machine whose speed drifts, the ratio of
 * two variants within a run is the figure to trust, not either time alone.
 *
 * <pre>{@code
 * Interleaved.Times t = new Interleaved().add("plain filter", filter).add("annotation", annotate).run(10);
 * t.print();
 * }</pre>
 */
final class Interleaved {
  private final Map<String, Runnable> variants = new LinkedHashMap<>();

  Interleaved add(String name, Runnable variant) {
    variants.put(name, variant);
    return this;
  }

  /** One warm-up run of every variant, then {@code runs} timed ones. */
  Times run(int runs) {
    Map<String, List<Long>> millis = new LinkedHashMap<>();
    variants.keySet().forEach(k -> millis.put(k, new ArrayList<>()));
    List<String> order = new ArrayList<>(variants.keySet());
    for (int i = 0; i <= runs; i++) {
      for (String name : order) {
        long t0 = System.nanoTime();
        variants.get(name).run();
        long t = (System.nanoTime() - t0) / 1_000_000;
        if (i > 0) {
          millis.get(name).add(t);
        }
      }
      Collections.rotate(order, 1);
    }
    return new Times(millis);
  }

  /** Each variant's times in milliseconds, in run order. */
  record Times(Map<String, List<Long>> millis) {
    long best(String variant) {
      return sorted(variant).get(0);
    }

    long median(String variant) {
      List<Long> s = sorted(variant);
      return s.get(s.size() / 2);
    }

    private List<Long> sorted(String variant) {
      return millis.get(variant).stream().sorted().toList();
    }

    /** Best, median and worst of every variant, as a table. */
    void print() {
      System.out.printf(Locale.ROOT, "%-62s %8s %8s %8s%n", "variant", "best", "median", "worst");
      millis.forEach(
          (name, ms) -> {
            List<Long> s = sorted(name);
            System.out.printf(
                Locale.ROOT,
                "%-62s %6d ms %6d ms %6d ms%n",
                name,
                s.get(0),
                s.get(s.size() / 2),
                s.get(s.size() - 1));
          });
    }

    /** How {@code variant} compares with {@code base}, at the best and at the median. */
    void printRatio(String variant, String base) {
      System.out.printf(
          Locale.ROOT,
          "%s / %s: %.2fx at best, %.2fx at the median%n",
          variant,
          base,
          (double) best(variant) / best(base),
          (double) median(variant) / median(base));
    }
  }
}
