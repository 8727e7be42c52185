package io.tfssl.data;

import java.util.Map;

/**
 * One fuzz case: which files of a valid file set are replaced by which bytes.
 *
 * @param kind the mutation family, for the summary ("truncate", "flip", ...)
 * @param description what exactly was done, for failure messages
 * @param files relative file name to its new content; usually one file
 */
record Mutation(String kind, String description, Map<String, byte[]> files) {

  /** A mutation of the single file {@code name}. */
  static Mutation of(String kind, String name, String detail, byte[] bytes) {
    return new Mutation(kind, name + ": " + detail, Map.of(name, bytes));
  }

  /** The new content of {@code name}, or {@code original} if this mutation leaves it alone. */
  byte[] content(String name, byte[] original) {
    return files.getOrDefault(name, original);
  }
}
