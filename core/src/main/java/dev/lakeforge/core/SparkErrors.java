package dev.lakeforge.core;

import java.io.FileNotFoundException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkThrowable;

/**
 * Tells a user's mistake from a failure in what Spark, Iceberg and Hadoop throw, and says it in one
 * line: a table, namespace, catalog or path that does not exist is {@link ErrorKind#NOT_FOUND}
 * (exit code 2), named, with the fix; SQL that does not parse or analyse (SQLSTATE class 42) is
 * {@link ErrorKind#USAGE}; a service that refused or dropped the connection (a catalog's database,
 * an object store, a REST catalog) is {@link ErrorKind#UNAVAILABLE} (exit code 1: run again when it
 * is back).
 *
 * <pre>{@code
 * ErrorKind kind = SparkErrors.kind(e);                 // INTERNAL when it is not a known mistake
 * String line = SparkErrors.describe(e);                // "table lake.sales.orders does not exist"
 * }</pre>
 */
public final class SparkErrors {
  private SparkErrors() {}

  /**
   * The kind of an error: a {@link LakeforgeException}'s own, a known mistake, else {@link
   * ErrorKind#INTERNAL}.
   */
  public static ErrorKind kind(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof LakeforgeException le && le.kind() != ErrorKind.INTERNAL) {
        return le.kind();
      }
    }
    // a commit whose outcome is unknown may have landed: running again could land it twice, so
    // it is no outage to retry nor a mistake to fix, but a failure to look into (with its trace)
    if (commitStateUnknown(e)) {
      return ErrorKind.INTERNAL;
    }
    if (missing(e).isPresent()) {
      return ErrorKind.NOT_FOUND;
    }
    // before unreadable: a store that stops answering mid-read is not a corrupt file
    if (unavailable(e).isPresent()) {
      return ErrorKind.UNAVAILABLE;
    }
    if (unreadable(e).isPresent()) {
      return ErrorKind.VALIDATION;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SparkThrowable st
          && st.getSqlState() != null
          && st.getSqlState().startsWith("42")) {
        return ErrorKind.USAGE;
      }
    }
    return ErrorKind.INTERNAL;
  }

  /**
   * One line for the user: what is missing and how to fix it, else the first line of the message.
   */
  public static String describe(Throwable e) {
    if (e instanceof LakeforgeException le && le.kind() != ErrorKind.INTERNAL) {
      return LakeforgeException.firstLine(e);
    }
    if (commitStateUnknown(e)) {
      return LakeforgeException.firstLine(e)
          + " (CommitStateUnknownException: the commit may have landed; look at the table's"
          + " snapshots before running again)";
    }
    return missing(e)
        .or(() -> unavailable(e))
        .or(() -> unreadable(e))
        .orElseGet(() -> LakeforgeException.firstLine(e));
  }

  /**
   * What did not answer, when a cause is a lost or refused connection: the error's line and the
   * connection failure's ("... from catalog lake: service unavailable: Connection to 127.0.0.1:5432
   * refused").
   */
  public static Optional<String> unavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (connectionLost(t)) {
        String top = LakeforgeException.firstLine(e);
        String lost = LakeforgeException.firstLine(t);
        return Optional.of(
            top.contains(lost)
                ? top
                : top + ": service unavailable: " + lost.replace("FATAL: ", ""));
      }
    }
    return Optional.empty();
  }

  /**
   * Whether a cause is Iceberg's {@code CommitStateUnknownException}: the catalog stopped answering
   * while a commit was being made, so the table may or may not have it.
   */
  public static boolean commitStateUnknown(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getClass()
          .getName()
          .equals("org.apache.iceberg.exceptions.CommitStateUnknownException")) {
        return true;
      }
    }
    return false;
  }

  private static boolean connectionLost(Throwable t) {
    if (t instanceof ConnectException
        || t instanceof NoRouteToHostException
        || t instanceof UnknownHostException
        || t instanceof HttpConnectTimeoutException
        || t instanceof SQLTransientConnectionException
        || t instanceof SQLNonTransientConnectionException) {
      return true;
    }
    // SQLSTATE 08001/08003/08006/08S01: no connection, or a lost one; 57P01-57P03: a server
    // shutting down or starting. Not 08004 (credentials rejected) nor DriverManager's 08001 "No
    // suitable driver" (a missing driver jar or a misspelt URL): those are the config's.
    return t instanceof SQLException sql
        && sql.getSQLState() != null
        && sql.getSQLState().matches("08001|08003|08006|08S01|57P0[123]")
        && !String.valueOf(sql.getMessage()).startsWith("No suitable driver");
  }

  /**
   * Which input file cannot be read and why, when Spark failed reading one (truncated, corrupt, not
   * of the format it was read as): the user's input, not a failure of the job.
   */
  public static Optional<String> unreadable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SparkThrowable st
          && st.getCondition() != null
          && st.getCondition().startsWith("FAILED_READ_FILE")) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        String path = st.getMessageParameters().getOrDefault("path", "?");
        String why =
            root == t ? "" : ": " + LakeforgeException.firstLine(root).replace(path + " ", "");
        return Optional.of(
            "input file "
                + path
                + " cannot be read (truncated, corrupt or not in the format it is"
                + " read as)"
                + why);
      }
      // a table's data file, read by its own reader (Iceberg's), not by Spark's file sources
      String message = String.valueOf(t.getMessage()).lines().findFirst().orElse("");
      Matcher notParquet = NOT_PARQUET_AFTER_CLASS.matcher(message);
      if (notParquet.find() || (notParquet = NOT_PARQUET.matcher(message)).find()) {
        return Optional.of(
            corruptDataFile(notParquet.group(1), "not a Parquet file" + notParquet.group(2)));
      }
      Matcher undecodable = UNDECODABLE.matcher(message);
      if (undecodable.find()) {
        return Optional.of(corruptDataFile(undecodable.group(2), undecodable.group(1)));
      }
    }
    return Optional.empty();
  }

  /**
   * Parquet's words for a file without its footer (overwritten, truncated, another format): as a
   * task's failure quoted by the job's ("...: java.lang.RuntimeException: PATH is not a Parquet
   * file"), or as the task's own message. A path may hold spaces.
   */
  private static final Pattern NOT_PARQUET_AFTER_CLASS =
      Pattern.compile("Exception: (.+?) is not a Parquet file(.*)");

  private static final Pattern NOT_PARQUET = Pattern.compile("^(.+?) is not a Parquet file(.*)");

  /** Parquet's words for pages that do not decode. */
  private static final Pattern UNDECODABLE =
      Pattern.compile("(Can not read value at \\d+ in block -?\\d+) in file (.+)$");

  private static String corruptDataFile(String path, String why) {
    if (path.contains("ParquetInputFile@")) {
      // a file of Iceberg's own FileIO (S3FileIO) has no name in Parquet's message
      return "a data file cannot be read (truncated or corrupt): "
          + why
          + "; the executors' log names it (Iceberg's 'Error reading file(s)')";
    }
    return "data file " + path + " cannot be read (truncated or corrupt): " + why;
  }

  /**
   * What is missing, when the error (or a cause) says a table, namespace, catalog or path does not
   * exist.
   */
  public static Optional<String> missing(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      Optional<String> found = t instanceof SparkThrowable st ? fromCondition(st) : fromClass(t);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> fromCondition(SparkThrowable st) {
    String condition = st.getCondition();
    if (condition == null) {
      return Optional.empty();
    }
    Map<String, String> p = st.getMessageParameters();
    String c = condition.contains(".") ? condition.substring(0, condition.indexOf('.')) : condition;
    return switch (c) {
      case "TABLE_OR_VIEW_NOT_FOUND" ->
          Optional.of("table " + unquote(p.get("relationName")) + " does not exist");
      case "SCHEMA_NOT_FOUND" -> {
        String ns = unquote(p.get("schemaName"));
        yield Optional.of(
            "namespace " + ns + " does not exist (create it with CREATE NAMESPACE " + ns + ")");
      }
      case "REQUIRES_SINGLE_PART_NAMESPACE" -> {
        String ns = unquote(p.get("namespace"));
        yield Optional.of(undeclared(ns.contains(".") ? ns.substring(0, ns.indexOf('.')) : ns));
      }
      case "CATALOG_NOT_FOUND" -> Optional.of(undeclared(unquote(p.get("catalogName"))));
      case "PATH_NOT_FOUND" -> Optional.of("path " + p.get("path") + " does not exist");
      default -> Optional.empty();
    };
  }

  private static Optional<String> fromClass(Throwable t) {
    String name = t.getClass().getName();
    if (name.equals("org.apache.iceberg.exceptions.NoSuchTableException")
        || name.equals("org.apache.iceberg.exceptions.NoSuchNamespaceException")
        || name.equals("org.apache.iceberg.exceptions.NoSuchViewException")) {
      return Optional.of(LakeforgeException.firstLine(t));
    }
    if (t instanceof FileNotFoundException) {
      return Optional.of("file not found: " + LakeforgeException.firstLine(t));
    }
    return Optional.empty();
  }

  private static String undeclared(String catalog) {
    return "catalog '"
        + catalog
        + "' is not declared: declare it under catalogs: in the job config, for example"
        + " catalogs."
        + catalog
        + ": {type: hadoop, warehouse: /data/"
        + catalog
        + "}";
  }

  private static String unquote(String identifier) {
    return identifier == null ? "?" : identifier.replace("`", "");
  }
}
