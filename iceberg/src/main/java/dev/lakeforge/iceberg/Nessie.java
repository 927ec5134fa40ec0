package dev.lakeforge.iceberg;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.Location;
import dev.lakeforge.core.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.projectnessie.client.NessieClientBuilder;
import org.projectnessie.client.api.NessieApiV2;
import org.projectnessie.client.auth.BearerAuthenticationProvider;
import org.projectnessie.error.NessieConflictException;
import org.projectnessie.error.NessieNotFoundException;
import org.projectnessie.model.Branch;
import org.projectnessie.model.CommitMeta;
import org.projectnessie.model.ContentKey;
import org.projectnessie.model.DiffResponse;
import org.projectnessie.model.IcebergTable;
import org.projectnessie.model.LogResponse;
import org.projectnessie.model.MergeResponse;
import org.projectnessie.model.Namespace;
import org.projectnessie.model.Operation;
import org.projectnessie.model.Reference;
import org.projectnessie.model.Tag;

/**
 * Catalog-level version control on a Nessie server: branches and tags over many tables, the commit
 * log, diffs between references, and merges with conflicts reported. Uses the Nessie client that
 * Iceberg's Spark runtime bundles. Spark writes to a branch through a catalog whose {@code ref} is
 * that branch ({@link #catalogConf}); it reads a tag as {@code db.`table@tag`}.
 *
 * <pre>{@code
 * try (Nessie nessie = Nessie.connect("http://nessie:19120/api/v2")) {
 *   nessie.createBranch("etl", "main");
 *   // ... Spark writes several tables through catalog nessie_etl (ref = etl) ...
 *   Nessie.MergeResult r = nessie.merge("etl", "main");
 *   if (!r.merged()) { log.error("conflicts: {}", r.conflicts()); }
 * }
 * }</pre>
 */
public final class Nessie implements AutoCloseable {
  private final NessieApiV2 api;
  private final String uri;

  private Nessie(NessieApiV2 api, String uri) {
    this.api = api;
    this.uri = uri;
  }

  /**
   * A client for the Nessie REST API v2 at {@code uri} (e.g. {@code http://nessie:19120/api/v2}).
   */
  public static Nessie connect(String uri) {
    return connect(uri, null);
  }

  /** A client authenticating with a bearer token. */
  public static Nessie connect(String uri, Secret token) {
    NessieClientBuilder b =
        NessieClientBuilder.createClientBuilder(null, null).withUri(URI.create(uri));
    if (token != null) {
      b = b.withAuthentication(BearerAuthenticationProvider.create(token.reveal()));
    }
    return new Nessie(b.build(NessieApiV2.class), uri);
  }

  /**
   * Spark settings for a catalog {@code name} that reads and writes Nessie reference {@code ref}.
   */
  public static Map<String, String> catalogConf(
      String name, String uri, String ref, String warehouse) {
    return Catalogs.sparkConf(name, CatalogSettings.nessie(uri, ref, Location.of(warehouse)));
  }

  /** A commit on a reference. */
  public record Commit(String hash, String message, String author, Instant committedAt) {}

  /**
   * A difference between two references.
   *
   * @param key the content key, e.g. {@code db.orders}
   * @param change ADDED, REMOVED or CHANGED
   */
  public record Change(String key, String change) {}

  /**
   * The outcome of a merge.
   *
   * @param merged whether the target now holds the source's commits
   * @param targetHash the target's hash after the merge
   * @param conflicts each conflicting content key with the reason, empty when merged
   */
  public record MergeResult(boolean merged, String targetHash, List<String> conflicts) {}

  public String defaultBranch() {
    try {
      return api.getDefaultBranch().getName();
    } catch (NessieNotFoundException e) {
      throw new LakeTableException(
          "Nessie server at " + uri + " has no default branch: " + e.getMessage(), e);
    }
  }

  /** The names of all branches and tags. */
  public List<String> references() {
    List<String> out = new ArrayList<>();
    api.getAllReferences().get().getReferences().forEach(r -> out.add(r.getName()));
    return out;
  }

  private Reference ref(String name) {
    try {
      return api.getReference().refName(name).get();
    } catch (NessieNotFoundException e) {
      throw new LakeTableException.NoSuchRef(
          "reference '"
              + name
              + "' does not exist on the Nessie server at "
              + uri
              + "; references: "
              + references(),
          e);
    }
  }

  /** Creates a branch at the head of {@code from} (a branch or tag). */
  public void createBranch(String name, String from) {
    create(Branch.of(name, ref(from).getHash()), from);
  }

  /** Creates a tag at the head of {@code from}. */
  public void createTag(String name, String from) {
    create(Tag.of(name, ref(from).getHash()), from);
  }

  private void create(Reference r, String from) {
    try {
      api.createReference().reference(r).sourceRefName(from).create();
    } catch (NessieConflictException e) {
      throw new LakeTableException(
          ErrorKind.USAGE,
          "reference '" + r.getName() + "' already exists on the Nessie server at " + uri,
          e);
    } catch (NessieNotFoundException e) {
      throw new LakeTableException.NoSuchRef(
          "cannot create '" + r.getName() + "': reference '" + from + "' does not exist", e);
    }
  }

  public void deleteBranch(String name) {
    Reference r = ref(name);
    if (!(r instanceof Branch b)) {
      throw new LakeTableException(ErrorKind.USAGE, "'" + name + "' is a tag, not a branch");
    }
    try {
      api.deleteBranch().branch(b).delete();
    } catch (NessieConflictException | NessieNotFoundException e) {
      throw new LakeTableException("cannot delete branch '" + name + "': " + e.getMessage(), e);
    }
  }

  public void deleteTag(String name) {
    Reference r = ref(name);
    if (!(r instanceof Tag t)) {
      throw new LakeTableException(ErrorKind.USAGE, "'" + name + "' is a branch, not a tag");
    }
    try {
      api.deleteTag().tag(t).delete();
    } catch (NessieConflictException | NessieNotFoundException e) {
      throw new LakeTableException("cannot delete tag '" + name + "': " + e.getMessage(), e);
    }
  }

  /** The newest {@code max} commits of a reference, newest first. */
  public List<Commit> log(String refName, int max) {
    ref(refName);
    List<Commit> out = new ArrayList<>();
    try {
      for (LogResponse.LogEntry e :
          api.getCommitLog().refName(refName).maxRecords(max).get().getLogEntries()) {
        var m = e.getCommitMeta();
        out.add(
            new Commit(
                m.getHash(),
                m.getMessage(),
                m.getAuthor(),
                m.getCommitTime() == null ? null : m.getCommitTime()));
        if (out.size() >= max) {
          break;
        }
      }
    } catch (NessieNotFoundException e) {
      throw new LakeTableException.NoSuchRef(
          "reference '" + refName + "' does not exist: " + e.getMessage(), e);
    }
    return out;
  }

  /** What differs from {@code from} to {@code to}, per content key. */
  public List<Change> diff(String from, String to) {
    ref(from);
    ref(to);
    List<Change> out = new ArrayList<>();
    try {
      for (DiffResponse.DiffEntry d :
          api.getDiff().fromRefName(from).toRefName(to).get().getDiffs()) {
        String change = d.getFrom() == null ? "ADDED" : d.getTo() == null ? "REMOVED" : "CHANGED";
        out.add(new Change(d.getKey().toPathString(), change));
      }
    } catch (NessieNotFoundException e) {
      throw new LakeTableException("cannot diff " + from + " and " + to + ": " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * Merges {@code from} into branch {@code into}; conflicts come back in the result, nothing is
   * merged then.
   */
  public MergeResult merge(String from, String into) {
    Reference target = ref(into);
    if (!(target instanceof Branch b)) {
      throw new LakeTableException(
          ErrorKind.USAGE, "cannot merge into '" + into + "': it is a tag; merge into a branch");
    }
    Reference source = ref(from);
    try {
      MergeResponse r =
          api.mergeRefIntoBranch()
              .branch(b)
              .fromRef(source)
              .returnConflictAsResult(true)
              .message("merge " + from + " into " + into)
              .merge();
      List<String> conflicts = new ArrayList<>();
      if (r.getDetails() != null) {
        r.getDetails().stream()
            .filter(d -> d.getConflict() != null)
            .forEach(
                d -> conflicts.add(d.getKey().toPathString() + ": " + d.getConflict().message()));
      }
      return new MergeResult(
          r.wasSuccessful() && conflicts.isEmpty(), r.getResultantTargetHash(), conflicts);
    } catch (NessieConflictException e) {
      return new MergeResult(false, null, List.of(e.getMessage()));
    } catch (NessieNotFoundException e) {
      throw new LakeTableException(
          "cannot merge " + from + " into " + into + ": " + e.getMessage(), e);
    }
  }

  /**
   * The state of a branch: its tables and their Iceberg metadata pointers, and its namespaces.
   *
   * @param branch the exported branch
   * @param hash its head when exported
   * @param exportedAt when
   * @param contents every namespace and table on it
   */
  public record BranchState(String branch, String hash, String exportedAt, List<Content> contents) {
    /** Writes the state as JSON. */
    public void write(Path file) throws IOException {
      Files.createDirectories(file.toAbsolutePath().getParent());
      STATE_JSON.writeValue(file.toFile(), this);
    }

    /** Reads a state written by {@link #write}. */
    public static BranchState read(Path file) throws IOException {
      return STATE_JSON.readValue(file.toFile(), BranchState.class);
    }
  }

  /**
   * One namespace or table of a branch.
   *
   * @param key e.g. {@code db.orders}
   * @param type NAMESPACE or ICEBERG_TABLE
   * @param metadataLocation the table's current metadata file
   * @param snapshotId the table's current snapshot
   * @param schemaId its schema id
   * @param specId its partition spec id
   * @param sortOrderId its sort order id
   */
  public record Content(
      String key,
      String type,
      String metadataLocation,
      long snapshotId,
      int schemaId,
      int specId,
      int sortOrderId) {}

  private static final ObjectMapper STATE_JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Exports the namespaces and tables of a branch (metadata pointers, not data). */
  public BranchState export(String branch) {
    Reference r = ref(branch);
    try {
      List<ContentKey> keys = new ArrayList<>();
      api.getEntries()
          .refName(branch)
          .hashOnRef(r.getHash())
          .get()
          .getEntries()
          .forEach(e -> keys.add(e.getName()));
      List<Content> contents = new ArrayList<>();
      if (!keys.isEmpty()) {
        Map<ContentKey, org.projectnessie.model.Content> all =
            api.getContent().refName(branch).hashOnRef(r.getHash()).keys(keys).get();
        all.forEach(
            (k, c) -> {
              if (c instanceof IcebergTable t) {
                contents.add(
                    new Content(
                        k.toPathString(),
                        "ICEBERG_TABLE",
                        t.getMetadataLocation(),
                        t.getSnapshotId(),
                        t.getSchemaId(),
                        t.getSpecId(),
                        t.getSortOrderId()));
              } else if (c instanceof Namespace) {
                contents.add(new Content(k.toPathString(), "NAMESPACE", null, 0, 0, 0, 0));
              }
            });
      }
      contents.sort(
          Comparator.comparing((Content c) -> c.type().equals("NAMESPACE") ? 0 : 1)
              .thenComparing(Content::key));
      return new BranchState(branch, r.getHash(), Instant.now().toString(), contents);
    } catch (NessieNotFoundException e) {
      throw new LakeTableException("cannot export branch '" + branch + "': " + e.getMessage(), e);
    }
  }

  /**
   * Recreates an exported state as a new, otherwise empty branch in one commit: each namespace and
   * each table pointing at its exported metadata file.
   *
   * @throws LakeTableException when the branch exists already
   */
  public void importState(BranchState state, String branch) {
    try {
      api.createReference()
          .reference(Branch.of(branch, emptyHash()))
          .sourceRefName(defaultBranch())
          .create();
    } catch (NessieConflictException e) {
      throw new LakeTableException(
          ErrorKind.USAGE,
          "reference '" + branch + "' already exists on the Nessie server at " + uri,
          e);
    } catch (NessieNotFoundException e) {
      throw new LakeTableException("cannot create branch '" + branch + "': " + e.getMessage(), e);
    }
    Branch target = (Branch) ref(branch);
    List<Operation> ops = new ArrayList<>();
    for (Content c : state.contents()) {
      ContentKey key = ContentKey.fromPathString(c.key());
      if (c.type().equals("NAMESPACE")) {
        ops.add(Operation.Put.of(key, Namespace.of(key.getElements())));
      } else {
        ops.add(
            Operation.Put.of(
                key,
                IcebergTable.of(
                    c.metadataLocation(),
                    c.snapshotId(),
                    c.schemaId(),
                    c.specId(),
                    c.sortOrderId())));
      }
    }
    try {
      api.commitMultipleOperations()
          .branch(target)
          .operations(ops)
          .commitMeta(CommitMeta.fromMessage("import of " + state.branch() + " at " + state.hash()))
          .commit();
    } catch (NessieConflictException | NessieNotFoundException e) {
      throw new LakeTableException(
          "cannot import into branch '" + branch + "': " + e.getMessage(), e);
    }
  }

  /** The "no ancestor" hash of this server: the parent of the default branch's first commit. */
  private String emptyHash() throws NessieNotFoundException {
    Reference main = ref(defaultBranch());
    String parent = main.getHash();
    for (LogResponse.LogEntry e : api.getCommitLog().refName(main.getName()).stream().toList()) {
      if (e.getParentCommitHash() != null) {
        parent = e.getParentCommitHash();
      }
    }
    return parent;
  }

  @Override
  public void close() {
    api.close();
  }
}
