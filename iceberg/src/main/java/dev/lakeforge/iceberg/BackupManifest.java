package dev.lakeforge.iceberg;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What a backup holds, written as {@value #FILE} in the backup location: the table, the snapshot,
 * the metadata file to register, and every file with its size and CRC32C checksum.
 *
 * @param table the table backed up
 * @param tableUuid its Iceberg UUID: a backup location holds the backups of one table only
 * @param sourceLocation its location
 * @param snapshotId the snapshot backed up
 * @param records rows in that snapshot
 * @param metadataFile the metadata file, relative to the backup location
 * @param metadataVersion the source metadata version (for the next incremental backup)
 * @param files every file of the backup
 */
public record BackupManifest(
    String table,
    String tableUuid,
    String sourceLocation,
    long snapshotId,
    long records,
    String metadataFile,
    String metadataVersion,
    List<Entry> files) {

  public static final String FILE = "_lakeforge_backup.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * @param path relative to the backup location
   * @param size bytes
   * @param crc32c checksum of the content
   */
  public record Entry(String path, long size, long crc32c) {}

  BackupManifest withFiles(List<Entry> newFiles) {
    return new BackupManifest(
        table,
        tableUuid,
        sourceLocation,
        snapshotId,
        records,
        metadataFile,
        metadataVersion,
        newFiles);
  }

  static BackupManifest read(Configuration conf, String location) throws IOException {
    Path p = new Path(location, FILE);
    FileSystem fs = p.getFileSystem(conf);
    if (!fs.exists(p)) {
      return null;
    }
    try (InputStream in = fs.open(p)) {
      return JSON.readValue(in, BackupManifest.class);
    }
  }

  void write(Configuration conf, String location) throws IOException {
    Path p = new Path(location, FILE);
    Path tmp = new Path(location, FILE + ".tmp");
    FileSystem fs = p.getFileSystem(conf);
    try (OutputStream out = fs.create(tmp, true)) {
      JSON.writeValue(out, this);
    }
    fs.delete(p, false);
    fs.rename(tmp, p);
  }

  /**
   * Writes {@code content} to {@code p} whole: to a hidden file beside it, then renamed over it, so
   * a run that dies half-way leaves no half file.
   */
  static void writeWhole(Configuration conf, Path p, byte[] content) throws IOException {
    FileSystem fs = p.getFileSystem(conf);
    Path tmp = new Path(p.getParent(), "." + p.getName() + ".tmp");
    try (OutputStream out = fs.create(tmp, true)) {
      out.write(content);
    }
    fs.delete(p, false);
    if (!fs.rename(tmp, p)) {
      throw new IOException("cannot rename " + tmp + " to " + p);
    }
  }

  static long checksum(FileSystem fs, Path p) throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = fs.open(p)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        crc.update(buf, 0, n);
      }
    }
    return crc.getValue();
  }
}
