package io.tfssl.data;

import java.util.Set;

/**
 * What a fuzz case may do: be rejected with a {@link DataFormatException} naming one of {@code
 * rejectable}, and/or load exactly {@code load} (which may leave entries open, see {@link
 * Snapshot}). Never anything else: no other exception, no hang, no other data.
 *
 * @param rejectable the files (relative names) a rejection may name; empty when the case must load
 * @param load what a load must deliver, or null when the case must be rejected
 */
record Expect(Set<String> rejectable, Snapshot load) {

  static Expect reject(String... files) {
    return new Expect(Set.of(files), null);
  }

  static Expect load(Snapshot expected) {
    return new Expect(Set.of(), expected);
  }

  /** Rejected naming one of {@code files}, or loaded as {@code expected}. */
  static Expect rejectOr(Snapshot expected, String... files) {
    return new Expect(Set.of(files), expected);
  }

  boolean mayReject() {
    return !rejectable.isEmpty();
  }

  boolean mayLoad() {
    return load != null;
  }
}
