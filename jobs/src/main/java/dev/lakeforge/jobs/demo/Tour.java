package dev.lakeforge.jobs.demo;

import dev.lakeforge.core.job.JobContext;
import java.nio.file.Path;

/** The demo's last words: where its outputs are and what to run next. */
final class Tour {
  private Tour() {}

  static void print(JobContext ctx, String ns, Path report, Path suite) {
    ctx.print(
        """
        Where things are
          tables        %1$s.{raw_orders, raw_events, orders, orders_quarantine, events,
                        events_quarantine, daily_revenue, customer_summary} (Iceberg)
          report        %2$s (open it in a browser)
          suite         %3$s (suggested from the profile; review, then use)
          run report    .lakeforge/runs/ (counts, time and cost of this run)

        Try next
          bin/lakeforge time-travel --table %1$s.orders
          bin/lakeforge rollback --table %1$s.orders --undo --dry-run
          bin/lakeforge quality-check --suite %3$s --input %1$s.events
          bin/lakeforge profile --input %1$s.customer_summary
          bin/lakeforge demo --dry-run"""
            .formatted(ns, report, suite));
  }
}
