package io.tfssl.data;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * One file format under fuzzing: a small valid file set written with the tests' own writers, seeded
 * mutations of it, the oracle that says what each mutated set may do, and how the loader opens it
 * (through {@link Datasets}, as the command line does).
 *
 * <p>The oracles are models of the file formats written from their specifications, not from the
 * loaders: for each mutated file set they decide whether the files are still valid and, if so,
 * exactly what they hold.
 */
interface FuzzFormat {

  /** A short name for the summary, such as {@code "cifar10"}. */
  String name();

  /** The valid file set: relative path to content. */
  Map<String, byte[]> files();

  /** What the valid file set holds. */
  Snapshot original();

  /** The next seeded mutation of {@link #files()}. */
  Mutation mutate(Random rnd);

  /** What the file set changed by {@code m} may do when loaded. */
  Expect expect(Mutation m);

  /**
   * Opens the file set in {@code dir} as the command line would and reads every image and label.
   */
  Snapshot read(Path dir) throws Exception;
}
