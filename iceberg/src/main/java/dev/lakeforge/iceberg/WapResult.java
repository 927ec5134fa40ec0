package dev.lakeforge.iceberg;

import dev.lakeforge.quality.VerificationResult;

/**
 * How a write-audit-publish ended.
 *
 * @param published whether main now holds the new rows
 * @param branch the audit branch (kept when not published)
 * @param audit the verification of the new rows
 * @param snapshotId the snapshot with the new rows
 * @param attempts writes and audits done (more than 1 when main moved during an audit)
 * @param message what happened, in words
 */
public record WapResult(
    boolean published,
    String branch,
    VerificationResult audit,
    long snapshotId,
    int attempts,
    String message) {}
