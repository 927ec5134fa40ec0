package dev.lakeforge.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputCommitTest {
  @TempDir Path dir;

  @Test
  void runsThatLockOneLocalOutputAtTheSameInstantNeverBothHoldIt() throws Exception {
    Configuration conf = new Configuration();
    int runs = 8;
    ExecutorService pool = Executors.newFixedThreadPool(runs);
    try {
      for (int round = 0; round < 20; round++) {
        String output = dir.resolve("out-" + round).toUri().toString();
        CyclicBarrier start = new CyclicBarrier(runs);
        List<Future<OutputCommit>> tries = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
          tries.add(
              pool.submit(
                  () -> {
                    start.await(1, TimeUnit.MINUTES);
                    try {
                      return OutputCommit.begin(conf, List.of(output));
                    } catch (QualityException e) {
                      assertThat(e.getMessage()).contains("is being written by run");
                      return null;
                    }
                  }));
        }
        List<OutputCommit> holders = new ArrayList<>();
        for (Future<OutputCommit> f : tries) {
          OutputCommit c = f.get(1, TimeUnit.MINUTES);
          if (c != null) {
            holders.add(c);
          }
        }
        assertThat(holders).as("round %d", round).hasSize(1);
        holders.forEach(OutputCommit::close);
        OutputCommit next = OutputCommit.begin(conf, List.of(output));
        next.close();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
