package io.tfssl.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only file that many threads read at explicit byte offsets at once, and that keeps working
 * when one of them is interrupted.
 *
 * <p>Positional {@link FileChannel#read(ByteBuffer, long)} moves no shared file pointer, so one
 * channel serves every thread without locking. But a {@code FileChannel} is an interruptible
 * channel: interrupting any thread while it reads closes the channel for <em>all</em> threads. That
 * happens in normal use: {@code PrefetchBatchIterator.close()} interrupts its producer thread,
 * which may be inside a read, and without care closing one iterator would break every other
 * pipeline (and every later iterator) over the same source. So a read that finds the channel closed
 * by an interrupt opens a fresh channel: the interrupted thread still gets an exception (its
 * interrupt status stays set, it is being cancelled), other threads retry on the new channel
 * transparently. Only {@link #close()} closes the file for good.
 */
final class PositionalFile implements AutoCloseable {

  private final Path path;
  private final long size;
  private volatile FileChannel channel;
  private volatile boolean closed;

  private PositionalFile(Path path, FileChannel channel, long size) {
    this.path = path;
    this.channel = channel;
    this.size = size;
  }

  /**
   * Opens {@code path} for reading.
   *
   * @throws DataFormatException naming the file if it cannot be opened
   */
  static PositionalFile open(Path path) {
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new DataFormatException(path, "cannot open: " + e, e);
    }
    try {
      return new PositionalFile(path, ch, ch.size());
    } catch (IOException e) {
      closeQuietly(ch);
      throw new DataFormatException(path, "cannot read the size: " + e, e);
    }
  }

  /** The file. */
  Path path() {
    return path;
  }

  /** The file size in bytes when it was opened. */
  long size() {
    return size;
  }

  /**
   * Fills {@code dst} from its position to its limit with the bytes at {@code position}. Safe to
   * call from several threads at once, each with its own buffer.
   *
   * @throws DataFormatException naming the file if it ends early or an I/O error occurs
   * @throws UncheckedIOException if the calling thread was interrupted (its interrupt status is
   *     kept); the file stays usable for other threads
   * @throws IllegalStateException if this file has been {@link #close() closed}
   */
  void readFully(ByteBuffer dst, long position) {
    int start = dst.position();
    while (true) {
      FileChannel ch = channel;
      try {
        while (dst.hasRemaining()) {
          long at = position + (dst.position() - start);
          if (ch.read(dst, at) < 0) {
            throw new DataFormatException(
                path,
                "ends at byte offset "
                    + at
                    + " while reading "
                    + (dst.limit() - start)
                    + " bytes at offset "
                    + position
                    + ": it has shrunk since it was opened with "
                    + size
                    + " bytes");
          }
        }
        return;
      } catch (ClosedByInterruptException e) {
        reopen(ch);
        throw new UncheckedIOException(
            path
                + ": interrupted while reading "
                + (dst.limit() - start)
                + " bytes at byte offset "
                + position
                + " (the file stays open for other threads)",
            e);
      } catch (
          ClosedChannelException e) { // also AsynchronousCloseException: another thread's interrupt
        if (closed) {
          throw new IllegalStateException(path + ": read after close", e);
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new UncheckedIOException(
              path + ": interrupted while reading at byte offset " + position, e);
        }
        reopen(ch);
        dst.position(start);
      } catch (IOException e) {
        throw new DataFormatException(
            path,
            "cannot read " + (dst.limit() - start) + " bytes at byte offset " + position + ": " + e,
            e);
      }
    }
  }

  /** Replaces {@code old}, closed by an interrupt, with a fresh channel unless already done. */
  private synchronized void reopen(FileChannel old) {
    if (closed || channel != old) {
      return;
    }
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new DataFormatException(
          path, "cannot reopen after an interrupted read closed it: " + e, e);
    }
    closeQuietly(old);
  }

  /** Closes the file; later reads throw {@link IllegalStateException}. Idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      closeQuietly(channel);
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // read-only: nothing was buffered that could be lost
    }
  }
}
