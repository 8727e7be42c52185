package io.tfssl.data;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.Int64List;

/**
 * Writes TFRecord files for the tests, with its own framing code (not the reader's), and {@code
 * tf.train.Example}s in the ImageNet layout.
 */
public final class TfRecordWriter {

  private TfRecordWriter() {}

  /**
   * An Example with {@code image/encoded} (if non-null) and {@code image/class/label} (if
   * non-null).
   */
  public static Example example(byte[] encoded, Long label) {
    return example(encoded, label, "image/encoded", "image/class/label");
  }

  /** An Example with the image and the label under the given feature names. */
  public static Example example(byte[] encoded, Long label, String imageKey, String labelKey) {
    Features.Builder f = Features.newBuilder();
    if (encoded != null) {
      f.putFeature(
          imageKey,
          Feature.newBuilder()
              .setBytesList(BytesList.newBuilder().addValue(ByteString.copyFrom(encoded)))
              .build());
      f.putFeature(
          "image/format",
          Feature.newBuilder()
              .setBytesList(BytesList.newBuilder().addValue(ByteString.copyFromUtf8("PNG")))
              .build());
    }
    if (label != null) {
      f.putFeature(
          labelKey,
          Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(label)).build());
    }
    return Example.newBuilder().setFeatures(f).build();
  }

  /** The CRC32C of {@code len} bytes at {@code off}, masked as TFRecord stores it. */
  static int masked(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    long crc = c.getValue();
    long rotated = ((crc >>> 15) | (crc << 17)) & 0xffffffffL;
    return (int) ((rotated + 0xa282ead8L) & 0xffffffffL);
  }

  /** One framed record: length, length CRC, data, data CRC. */
  static byte[] frame(byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(12 + data.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(data.length);
    b.putInt(masked(b.array(), 0, 8));
    b.put(data);
    b.putInt(masked(data, 0, data.length));
    return b.array();
  }

  /** Writes the framed records and returns the file. */
  static Path write(Path file, List<byte[]> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] r : records) {
      out.writeBytes(frame(r));
    }
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes serialized Examples. */
  public static Path writeExamples(Path file, List<Example> examples) {
    return write(file, examples.stream().map(Example::toByteArray).toList());
  }
}
