package io.tfssl.train;

/**
 * A checkpoint could not be written completely (typically a full disk). Its partial files are gone
 * and {@code latest} still names the previous complete checkpoint, so {@code --resume} continues
 * from there once the disk has room.
 */
public final class CheckpointWriteException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  CheckpointWriteException(String message, Throwable cause) {
    super(message, cause);
  }
}
