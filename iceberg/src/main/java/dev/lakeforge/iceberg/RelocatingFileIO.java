package dev.lakeforge.iceberg;

import java.util.Map;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.SeekableInputStream;

/**
 * Reads a table whose files moved: a path under the prefix they were written with is read under the
 * prefix where they are now, keeping the name it was asked by. Only reads are relocated; writes and
 * deletes go where they are asked to. Serializable, so Spark actions can read a moved backup on
 * executors.
 */
final class RelocatingFileIO implements FileIO {
  private final FileIO delegate;
  private final String from;
  private final String to;

  /**
   * @param from the prefix the files were written under (a folder, without the trailing slash)
   * @param to the prefix where they are now
   */
  RelocatingFileIO(FileIO delegate, String from, String to) {
    this.delegate = delegate;
    this.from = from + "/";
    this.to = to + "/";
  }

  String relocate(String path) {
    return path.startsWith(from) ? to + path.substring(from.length()) : path;
  }

  @Override
  public InputFile newInputFile(String path) {
    return named(path, delegate.newInputFile(relocate(path)));
  }

  @Override
  public InputFile newInputFile(String path, long length) {
    return named(path, delegate.newInputFile(relocate(path), length));
  }

  /** The file read from where it is now, under the name Iceberg knows it by. */
  private static InputFile named(String path, InputFile file) {
    return new InputFile() {
      @Override
      public long getLength() {
        return file.getLength();
      }

      @Override
      public SeekableInputStream newStream() {
        return file.newStream();
      }

      @Override
      public String location() {
        return path;
      }

      @Override
      public boolean exists() {
        return file.exists();
      }
    };
  }

  @Override
  public OutputFile newOutputFile(String path) {
    return delegate.newOutputFile(path);
  }

  @Override
  public void deleteFile(String path) {
    delegate.deleteFile(path);
  }

  @Override
  public Map<String, String> properties() {
    return delegate.properties();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
