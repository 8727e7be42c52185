package io.tfssl.export;

import java.nio.file.Path;

/**
 * A directory that is not a usable SavedModel: missing, damaged, or without the expected signature.
 */
public final class InvalidModelException extends IllegalArgumentException {
  private final Path dir;

  public InvalidModelException(Path dir, String problem) {
    super(dir + ": " + problem);
    this.dir = dir;
  }

  public InvalidModelException(Path dir, String problem, Throwable cause) {
    super(dir + ": " + problem, cause);
    this.dir = dir;
  }

  /** The model directory concerned. */
  public Path dir() {
    return dir;
  }
}
