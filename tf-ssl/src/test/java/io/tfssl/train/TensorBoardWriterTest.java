package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;
import org.tensorflow.proto.TensorProto;

class TensorBoardWriterTest {

  /** One decoded scalar: what TensorBoard would plot. */
  record Point(long step, String tag, float value) {}

  @TempDir Path tmp;

  @Test
  void scalarsRoundTripThroughEventFile() throws IOException {
    Path dir = tmp.resolve("runs").resolve("exp1"); // does not exist yet: must be created
    List<Point> expected = new ArrayList<>();
    try (TensorBoardWriter w = new TensorBoardWriter(dir)) {
      for (long step : new long[] {0, 10, 20}) {
        Map<String, Number> m = new LinkedHashMap<>();
        m.put("loss", 2.5 - step * 0.1); // Double
        m.put("lr", 0.05f); // Float
        m.put("tau", 0.996 + step * 1e-4);
        m.put("collapse/std", step == 20 ? Float.NaN : 0.125f);
        m.put("images_per_sec", 220 + (int) step); // Integer
        w.scalars(step, m);
        m.forEach((k, v) -> expected.add(new Point(step, k, v.floatValue())));
      }
      w.scalar(1L << 40, "big_step", 7L); // Long value, step beyond int range
      expected.add(new Point(1L << 40, "big_step", 7f));
    }

    List<Path> files = eventFiles(dir);
    assertEquals(1, files.size(), "one event file: " + files);
    List<Event> events = readEvents(files.get(0));

    Event first = events.get(0);
    assertEquals("brain.Event:2", first.getFileVersion(), "TF writes a file_version event first");

    List<Point> actual = new ArrayList<>();
    for (Event e : events.subList(1, events.size())) {
      assertTrue(e.hasSummary(), "every later event carries a summary: " + e);
      assertTrue(e.getWallTime() > 1.6e9, "wall_time is epoch seconds: " + e.getWallTime());
      for (Summary.Value v : e.getSummary().getValueList()) {
        actual.add(new Point(e.getStep(), v.getTag(), scalarOf(v)));
      }
    }
    assertEquals(expected.size(), actual.size(), () -> "points: " + actual);
    for (int i = 0; i < expected.size(); i++) {
      Point x = expected.get(i);
      Point a = actual.get(i);
      assertEquals(x.step(), a.step(), "step of " + i);
      assertEquals(x.tag(), a.tag(), "tag of " + i);
      // float equality is exact: both sides are Number.floatValue(); NaN == NaN for Float.equals
      assertEquals(Float.valueOf(x.value()), Float.valueOf(a.value()), "value of " + x);
    }
  }

  @Test
  void moreScalarsThanSlotsInOneCallKeepOrder() throws IOException {
    int n = TensorBoardWriter.SLOTS * 2 + 3;
    Map<String, Number> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      m.put(String.format("m/%02d", i), i * 0.5f);
    }
    try (TensorBoardWriter w = new TensorBoardWriter(tmp)) {
      w.scalars(5, m);
      w.scalars(6, Map.of()); // writes nothing
      // flush() must make the data visible while the writer is still open
      w.flush();
      List<Point> pts = points(readEvents(single(eventFiles(tmp))));
      assertEquals(n, pts.size());
      for (int i = 0; i < n; i++) {
        assertEquals(new Point(5, String.format("m/%02d", i), i * 0.5f), pts.get(i));
      }
    }
  }

  @Test
  void twoWritersInOneFolderGetDistinctFiles() throws IOException {
    try (TensorBoardWriter a = new TensorBoardWriter(tmp);
        TensorBoardWriter b = new TensorBoardWriter(tmp)) {
      a.scalar(1, "a", 1);
      b.scalar(1, "b", 2);
    }
    List<Path> files = eventFiles(tmp);
    assertEquals(2, files.size(), "files: " + files);
    assertNotEquals(files.get(0), files.get(1));
    List<Point> all = new ArrayList<>();
    for (Path f : files) {
      all.addAll(points(readEvents(f)));
    }
    assertTrue(all.contains(new Point(1, "a", 1f)), all::toString);
    assertTrue(all.contains(new Point(1, "b", 2f)), all::toString);
  }

  @Test
  void badDirectoryGivesClearException() throws IOException {
    Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
    Path bad = file.resolve("run");
    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> new TensorBoardWriter(bad));
    assertTrue(
        e.getMessage().contains(bad.toAbsolutePath().normalize().toString()),
        "message names the path: " + e.getMessage());
    assertTrue(e.getMessage().contains("TensorBoard log directory"), e.getMessage());
  }

  @Test
  void closedWriterRejectsCallsAndCloseIsIdempotent() {
    TensorBoardWriter w = new TensorBoardWriter(tmp);
    w.close();
    w.close();
    assertThrows(IllegalStateException.class, () -> w.scalar(0, "x", 1));
    assertThrows(IllegalStateException.class, w::flush);
    Map<String, Number> withNull = new LinkedHashMap<>();
    withNull.put("x", null);
    try (TensorBoardWriter w2 = new TensorBoardWriter(tmp)) {
      assertThrows(NullPointerException.class, () -> w2.scalars(0, withNull));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Event file reading: TFRecord framing + Event protos, decoded independently of TF's writer.

  private static List<Path> eventFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents."))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  private static Path single(List<Path> files) {
    assertEquals(1, files.size(), "files: " + files);
    return files.get(0);
  }

  private static List<Point> points(List<Event> events) {
    List<Point> out = new ArrayList<>();
    for (Event e : events) {
      for (Summary.Value v : e.getSummary().getValueList()) {
        out.add(new Point(e.getStep(), v.getTag(), scalarOf(v)));
      }
    }
    return out;
  }

  /**
   * Reads a TFRecord file: {@code uint64 length, uint32 masked_crc32c(length), byte[length] data,
   * uint32 masked_crc32c(data)}, all little-endian, and parses each record as an {@link Event}.
   */
  static List<Event> readEvents(Path file) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<Event> events = new ArrayList<>();
    while (buf.hasRemaining()) {
      assertTrue(buf.remaining() >= 12, "truncated record header in " + file);
      int headerPos = buf.position();
      long length = buf.getLong();
      int lengthCrc = buf.getInt();
      assertEquals(maskedCrc(buf.array(), headerPos, 8), lengthCrc, "length CRC");
      assertTrue(length >= 0 && length <= buf.remaining() - 4, "bad record length " + length);
      int dataPos = buf.position();
      byte[] data = new byte[(int) length];
      buf.get(data);
      int dataCrc = buf.getInt();
      assertEquals(maskedCrc(buf.array(), dataPos, (int) length), dataCrc, "data CRC");
      events.add(Event.parseFrom(data));
    }
    return events;
  }

  /** TFRecord's masked CRC32C: rotate right by 15 and add a constant. */
  static int maskedCrc(byte[] bytes, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, off, len);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + 0xa282ead8;
  }

  /**
   * Decodes a scalar the way TensorBoard does: TF1-style {@code simple_value}, or a TF2-style
   * rank-0 {@code tensor} (float/double, in {@code *_val} or {@code tensor_content}).
   */
  static float scalarOf(Summary.Value v) {
    switch (v.getValueCase()) {
      case SIMPLE_VALUE:
        return v.getSimpleValue();
      case TENSOR:
        TensorProto t = v.getTensor();
        ByteBuffer content =
            t.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (t.getDtype() == DataType.DT_FLOAT) {
          return t.getFloatValCount() > 0 ? t.getFloatVal(0) : content.getFloat();
        }
        if (t.getDtype() == DataType.DT_DOUBLE) {
          return (float) (t.getDoubleValCount() > 0 ? t.getDoubleVal(0) : content.getDouble());
        }
        return fail("unexpected tensor dtype " + t.getDtype() + " for tag " + v.getTag());
      default:
        return fail("not a scalar summary value: " + v);
    }
  }
}
