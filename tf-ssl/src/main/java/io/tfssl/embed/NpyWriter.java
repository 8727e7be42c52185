package io.tfssl.embed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a float32 matrix {@code [rows, dim]} as a NumPy {@code .npy} file (format version 1.0),
 * row by row, without knowing the number of rows in advance.
 *
 * <p>Format: the magic {@code \x93NUMPY}, version bytes 1 and 0, a little-endian uint16 header
 * length, then the header, a Python dict literal {@code {'descr': '<f4', 'fortran_order': False,
 * 'shape': (rows, dim), }} padded with spaces and ended by a newline so that the data starts at a
 * multiple of 64 bytes, then the data, C order, little-endian. Why a fixed {@value
 * #DATA_OFFSET}-byte preamble: the row count is only known at the end of a stream, so the header is
 * written with a placeholder and rewritten in place by {@link #close()}; any shape fits in it.
 */
public final class NpyWriter implements AutoCloseable {
  /** Bytes before the data: magic, version, header length and the padded header. */
  static final int DATA_OFFSET = 128;

  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  private final FileChannel channel;
  private final int dim;
  private final ByteBuffer buffer;
  private long rows;
  private boolean closed;

  /** Creates (or truncates) {@code file} for rows of {@code dim} floats. */
  public NpyWriter(Path file, int dim) throws IOException {
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    this.dim = dim;
    this.channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    this.buffer =
        ByteBuffer.allocate(Math.max(dim, 1 << 14) * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    writeFully(header(0, dim), 0);
  }

  /** The {@value #DATA_OFFSET}-byte preamble for a {@code [rows, dim]} float32 array. */
  static ByteBuffer header(long rows, int dim) {
    String dict =
        "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + dim + "), }";
    int headerLen = DATA_OFFSET - MAGIC.length - 2 - 2;
    if (dict.length() + 1 > headerLen) {
      throw new IllegalArgumentException("shape too large for the header: " + dict);
    }
    StringBuilder h = new StringBuilder(dict);
    while (h.length() < headerLen - 1) {
      h.append(' ');
    }
    h.append('\n');
    ByteBuffer b = ByteBuffer.allocate(DATA_OFFSET).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLen);
    b.put(h.toString().getBytes(StandardCharsets.US_ASCII));
    return b.flip();
  }

  /**
   * Appends {@code count} rows from {@code data}, row-major.
   *
   * @throws IllegalArgumentException if {@code data} is shorter than {@code count * dim}
   */
  public void write(float[] data, int count) throws IOException {
    if ((long) count * dim > data.length) {
      throw new IllegalArgumentException(
          count
              + " rows of "
              + dim
              + " need "
              + (long) count * dim
              + " floats, got "
              + data.length);
    }
    int total = count * dim;
    for (int i = 0; i < total; ) {
      int n = Math.min(total - i, buffer.capacity() / Float.BYTES);
      buffer.clear();
      buffer.asFloatBuffer().put(data, i, n);
      buffer.limit(n * Float.BYTES);
      writeFully(buffer, channel.position());
      i += n;
    }
    rows += count;
  }

  /** Rows written so far. */
  public long rows() {
    return rows;
  }

  private void writeFully(ByteBuffer b, long position) throws IOException {
    channel.position(position);
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }

  /** Writes the final shape into the header and closes the file. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (FileChannel c = channel) {
      long end = c.position();
      writeFully(header(rows, dim), 0);
      c.position(end);
    }
  }
}
