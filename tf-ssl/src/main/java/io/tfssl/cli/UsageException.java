package io.tfssl.cli;

/** A bad command-line value: reported as one line, exit code 2. */
public final class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }
}
