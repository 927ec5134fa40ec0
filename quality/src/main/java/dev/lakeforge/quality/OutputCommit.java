package dev.lakeforge.quality;

import dev.lakeforge.core.ErrorKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * One run's appends to folders of files, all or nothing. The run holds a lock file in each output
 * ({@value #LOCK}; a second writer fails with a {@link ErrorKind#CONFLICT} naming the holder),
 * writes into a staging folder inside each output (its name starts with {@code _}, so readers of
 * the folder skip it), and commits by moving the staged files into place after writing a journal of
 * the moves. A run that fails or is killed before its commit completes leaves nothing: the next run
 * to lock the output moves back the files of an interrupted commit and removes abandoned staging
 * folders; a commit that fails part way is undone at once.
 *
 * <pre>{@code
 * try (OutputCommit commit = OutputCommit.begin(conf, List.of(good, bad))) {
 *   df.write().parquet(commit.staging(good));
 *   commit.commit();
 * }
 * }</pre>
 */
final class OutputCommit implements AutoCloseable {
  static final String LOCK = "_lakeforge.lock";
  static final String STAGING = "_lakeforge_staging";
  private static final String JOURNAL = "_lakeforge_commit";

  private final Configuration conf;
  private final String runId = UUID.randomUUID().toString();
  private final List<String> locked = new ArrayList<>();
  private boolean committed;

  private OutputCommit(Configuration conf) {
    this.conf = conf;
  }

  /**
   * Locks every output (in a fixed order, so two runs never wait on each other's second lock) and
   * undoes what an interrupted run left in them.
   *
   * @throws QualityException ({@link ErrorKind#CONFLICT}) when another run holds an output
   */
  static OutputCommit begin(Configuration conf, List<String> outputs) {
    OutputCommit c = new OutputCommit(conf);
    try {
      for (String output : new TreeSet<>(outputs)) {
        c.lock(output);
        c.recover(output);
      }
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    } catch (IOException e) {
      c.close();
      throw new UncheckedIOException(
          "cannot prepare the outputs " + outputs + ": " + e.getMessage(), e);
    }
  }

  /** Where this run writes what is to be appended to {@code output}. */
  String staging(String output) {
    return output + "/" + STAGING + "/" + runId;
  }

  private void lock(String output) throws IOException {
    Path lock = new Path(output, LOCK);
    FileSystem fs = lock.getFileSystem(conf);
    String holder =
        "run "
            + runId
            + " of "
            + ManagementFactory.getRuntimeMXBean().getName()
            + " since "
            + Instant.now();
    try {
      create(fs, lock, holder.getBytes(StandardCharsets.UTF_8));
    } catch (FileAlreadyExistsException | java.nio.file.FileAlreadyExistsException e) {
      throw conflict(output, fs, lock);
    } catch (IOException e) {
      if (fs.exists(lock) && !holder.equals(read(fs, lock))) {
        throw conflict(output, fs, lock);
      }
      throw e;
    }
    if (!holder.equals(read(fs, lock))) {
      throw conflict(
          output, fs,
          lock); // a store whose create does not refuse an existing file: the last writer holds it
    }
    locked.add(output);
  }

  /**
   * Creates {@code file} only if it does not exist. Hadoop's local file system checks and then
   * creates, so two runs could both take the lock; there the JDK's exclusive create (O_EXCL) is
   * used.
   */
  private static void create(FileSystem fs, Path file, byte[] content) throws IOException {
    if ("file".equals(fs.getUri().getScheme())) {
      java.nio.file.Path local = java.nio.file.Path.of(fs.makeQualified(file).toUri());
      Files.createDirectories(local.getParent());
      java.nio.file.Path written =
          Files.write(local.resolveSibling("." + UUID.randomUUID() + ".tmp"), content);
      try {
        Files.createLink(local, written); // link(2): atomic, and the file is whole once visible
      } finally {
        Files.delete(written);
      }
      return;
    }
    try (OutputStream out = fs.create(file, false)) {
      out.write(content);
    }
  }

  private static QualityException conflict(String output, FileSystem fs, Path lock) {
    String holder;
    try {
      holder = read(fs, lock);
    } catch (IOException e) {
      holder = "another run";
    }
    return new QualityException(
        ErrorKind.CONFLICT,
        output
            + " is being written by "
            + holder
            + "; nothing was written"
            + " by this run. Retry when that run ends; if it was killed, remove "
            + lock
            + " first (the next run then"
            + " removes what it left)");
  }

  private static String read(FileSystem fs, Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Takes out the files of interrupted commits, then removes every staging folder. */
  private void recover(String output) throws IOException {
    Path journals = new Path(output, JOURNAL);
    FileSystem fs = journals.getFileSystem(conf);
    if (fs.exists(journals)) {
      for (FileStatus journal : fs.listStatus(journals)) {
        undo(output, journal.getPath().getName());
      }
      fs.delete(journals, true);
    }
    fs.delete(new Path(output, STAGING), true);
  }

  /**
   * Deletes the files a commit of {@code run} placed in {@code output}, as its journal lists them.
   */
  private void undo(String output, String run) throws IOException {
    Path journal = new Path(new Path(output, JOURNAL), run);
    FileSystem fs = journal.getFileSystem(conf);
    if (!fs.exists(journal)) {
      return;
    }
    for (String relative : read(fs, journal).split("\n")) {
      Path placed = new Path(output, relative);
      if (!relative.isBlank() && fs.exists(placed)) {
        fs.delete(placed, false);
      }
    }
    fs.delete(journal, false);
  }

  /**
   * Moves every staged file of every output into place. Each output's journal is written before any
   * file moves, so an interrupted commit is undone whole by the next run.
   */
  void commit() {
    try {
      Map<String, List<String>> moves = new LinkedHashMap<>();
      for (String output : locked) {
        Path staging = new Path(staging(output));
        FileSystem fs = staging.getFileSystem(conf);
        List<String> files = new ArrayList<>();
        if (fs.exists(staging)) {
          RemoteIterator<LocatedFileStatus> it = fs.listFiles(staging, true);
          while (it.hasNext()) {
            Path p = it.next().getPath();
            String relative = p.toUri().getPath().substring(staging.toUri().getPath().length() + 1);
            if (!hidden(relative)) {
              files.add(relative);
            }
          }
        }
        moves.put(output, files);
        Path journal = new Path(new Path(output, JOURNAL), runId);
        Path partial = new Path(new Path(output, JOURNAL), "." + runId + ".tmp");
        try (OutputStream out = fs.create(partial, true)) {
          out.write(String.join("\n", files).getBytes(StandardCharsets.UTF_8));
        }
        fs.rename(partial, journal);
      }
      for (Map.Entry<String, List<String>> e : moves.entrySet()) {
        Path staging = new Path(staging(e.getKey()));
        FileSystem fs = staging.getFileSystem(conf);
        for (String relative : e.getValue()) {
          Path target = new Path(e.getKey(), relative);
          fs.mkdirs(target.getParent());
          if (!fs.rename(new Path(staging, relative), target)) {
            throw new IOException("cannot move " + new Path(staging, relative) + " to " + target);
          }
        }
      }
      for (String output : locked) {
        Path journal = new Path(new Path(output, JOURNAL), runId);
        FileSystem fs = journal.getFileSystem(conf);
        fs.delete(journal, false);
        fs.delete(journal.getParent(), true);
        fs.delete(new Path(output, STAGING), true);
      }
      committed = true;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot commit " + locked + " (the next run undoes this one): " + e.getMessage(), e);
    }
  }

  private static boolean hidden(String relative) {
    for (String part : relative.split("/")) {
      if (part.startsWith("_") || part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** Removes what was staged unless committed, and releases the locks. */
  @Override
  public void close() {
    for (String output : locked) {
      try {
        Path lock = new Path(output, LOCK);
        FileSystem fs = lock.getFileSystem(conf);
        if (!committed) {
          undo(output, runId);
          fs.delete(
              new Path(output, STAGING), true); // only this run stages here while it holds the lock
        }
        fs.delete(lock, false);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot release " + output + ": " + e.getMessage(), e);
      }
    }
    locked.clear();
  }
}
