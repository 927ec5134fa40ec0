package dev.lakeforge.iceberg;

import dev.lakeforge.core.config.Secret;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.projectnessie.client.NessieClientBuilder;
import org.projectnessie.client.api.NessieApiV2;
import org.projectnessie.client.auth.BearerAuthenticationProvider;
import org.projectnessie.error.NessieConflictException;
import org.projectnessie.error.NessieNotFoundException;
import org.projectnessie.model.Branch;
import org.projectnessie.model.DiffResponse;
import org.projectnessie.model.LogResponse;
import org.projectnessie.model.MergeResponse;
import org.projectnessie.model.Reference;
import org.projectnessie.model.Tag;

/**
 * Catalog-level version control on a Nessie server: branches and tags over many tables, the
 * commit log, diffs between references, and merges with conflicts reported. Uses the Nessie
 * client that Iceberg's Spark runtime bundles. Spark writes to a branch through a catalog whose
 * {@code ref} is that branch ({@link #catalogConf}); it reads a tag as {@code db.`table@tag`}.
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

  /** A client for the Nessie REST API v2 at {@code uri} (e.g. {@code http://nessie:19120/api/v2}). */
  public static Nessie connect(String uri) {
    return connect(uri, null);
  }

  /** A client authenticating with a bearer token. */
  public static Nessie connect(String uri, Secret token) {
    NessieClientBuilder b = NessieClientBuilder.createClientBuilder(null, null).withUri(URI.create(uri));
    if (token != null) {
      b = b.withAuthentication(BearerAuthenticationProvider.create(token.reveal()));
    }
    return new Nessie(b.build(NessieApiV2.class), uri);
  }

  /** Spark settings for a catalog {@code name} that reads and writes Nessie reference {@code ref}. */
  public static Map<String, String> catalogConf(String name, String uri, String ref, String warehouse) {
    return Catalogs.sparkConf(name, new CatalogSettings("nessie", warehouse, uri, null, null, ref, null, null, null));
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
      throw new LakeTableException("Nessie server at " + uri + " has no default branch: " + e.getMessage(), e);
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
      throw new LakeTableException("reference '" + name + "' does not exist on the Nessie server at " + uri
          + "; references: " + references(), e);
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
      throw new LakeTableException("reference '" + r.getName() + "' already exists on the Nessie server at " + uri, e);
    } catch (NessieNotFoundException e) {
      throw new LakeTableException("cannot create '" + r.getName() + "': reference '" + from + "' does not exist", e);
    }
  }

  public void deleteBranch(String name) {
    Reference r = ref(name);
    if (!(r instanceof Branch b)) {
      throw new LakeTableException("'" + name + "' is a tag, not a branch");
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
      throw new LakeTableException("'" + name + "' is a branch, not a tag");
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
      for (LogResponse.LogEntry e : api.getCommitLog().refName(refName).maxRecords(max).get().getLogEntries()) {
        var m = e.getCommitMeta();
        out.add(new Commit(m.getHash(), m.getMessage(), m.getAuthor(),
            m.getCommitTime() == null ? null : m.getCommitTime()));
        if (out.size() >= max) {
          break;
        }
      }
    } catch (NessieNotFoundException e) {
      throw new LakeTableException("reference '" + refName + "' does not exist: " + e.getMessage(), e);
    }
    return out;
  }

  /** What differs from {@code from} to {@code to}, per content key. */
  public List<Change> diff(String from, String to) {
    ref(from);
    ref(to);
    List<Change> out = new ArrayList<>();
    try {
      for (DiffResponse.DiffEntry d : api.getDiff().fromRefName(from).toRefName(to).get().getDiffs()) {
        String change = d.getFrom() == null ? "ADDED" : d.getTo() == null ? "REMOVED" : "CHANGED";
        out.add(new Change(d.getKey().toPathString(), change));
      }
    } catch (NessieNotFoundException e) {
      throw new LakeTableException("cannot diff " + from + " and " + to + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** Merges {@code from} into branch {@code into}; conflicts come back in the result, nothing is merged then. */
  public MergeResult merge(String from, String into) {
    Reference target = ref(into);
    if (!(target instanceof Branch b)) {
      throw new LakeTableException("cannot merge into '" + into + "': it is a tag; merge into a branch");
    }
    Reference source = ref(from);
    try {
      MergeResponse r = api.mergeRefIntoBranch().branch(b).fromRef(source).returnConflictAsResult(true)
          .message("merge " + from + " into " + into).merge();
      List<String> conflicts = new ArrayList<>();
      if (r.getDetails() != null) {
        r.getDetails().stream().filter(d -> d.getConflict() != null)
            .forEach(d -> conflicts.add(d.getKey().toPathString() + ": " + d.getConflict().message()));
      }
      return new MergeResult(r.wasSuccessful() && conflicts.isEmpty(), r.getResultantTargetHash(), conflicts);
    } catch (NessieConflictException e) {
      return new MergeResult(false, null, List.of(e.getMessage()));
    } catch (NessieNotFoundException e) {
      throw new LakeTableException("cannot merge " + from + " into " + into + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    api.close();
  }
}
