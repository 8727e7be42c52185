package io.tfssl.data;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * Input fuzzing: hundreds of seeded random mutations of real-format files (truncation, flipped
 * bytes, appended garbage, empty files, wrong header fields, broken TFRecord framing, damaged
 * images), each opened by data set name as the command line does, reading every image and label.
 *
 * <p>Each case must end one of two ways, as its format's oracle ({@link FuzzFormat#expect}) allows:
 * rejected with a {@link DataFormatException} whose message names the damaged file, or loaded with
 * exactly the data the files hold. Any other exception, a rejection naming no damaged file, a load
 * of invalid files or of other data (a label out of range, fewer images, other pixels) fails the
 * test, and so does a case that does not finish in {@value #CASE_SECONDS} seconds. A JVM crash in
 * native decoding would end the build.
 */
class InputFuzzTest {

  private static final long CASE_SECONDS = 20;

  @TempDir Path dir;

  @Test
  void mnistIdx() {
    fuzz(new IdxFuzz(false), 80, 0x1d8);
  }

  @Test
  void mnistIdxGzip() {
    fuzz(new IdxFuzz(true), 80, 0x1d9);
  }

  @Test
  void cifar10() {
    fuzz(new CifarFuzz(false), 70, 0xc10);
  }

  @Test
  void cifar100() {
    fuzz(new CifarFuzz(true), 40, 0xc100);
  }

  @Test
  void stl10() {
    fuzz(new Stl10Fuzz(dir.resolve("stl10-writer")), 80, 0x5710);
  }

  @Test
  void tfRecord() {
    fuzz(new TfRecordFuzz(), 120, 0x7f4);
  }

  @Test
  void imageFolder() {
    fuzz(new ImageFolderFuzz(), 100, 0xf01d);
  }

  /** How one case ended: the data read, or the exception. */
  private record Outcome(Snapshot loaded, Throwable thrown) {}

  /** Counts per mutation kind: cases, loaded, not loaded (rejected, or failed otherwise). */
  private static final class Tally {
    final Map<String, int[]> byKind = new TreeMap<>();

    void add(String kind, boolean loaded) {
      int[] c = byKind.computeIfAbsent(kind, k -> new int[3]);
      c[0]++;
      c[loaded ? 1 : 2]++;
    }

    int total(int column) {
      return byKind.values().stream().mapToInt(c -> c[column]).sum();
    }

    String summary(String format) {
      StringBuilder s =
          new StringBuilder(
              String.format(
                  "InputFuzzTest %-13s %4d cases, %4d loaded, %4d rejected;",
                  format, total(0), total(1), total(2)));
      byKind.forEach(
          (kind, c) ->
              s.append(' ').append(kind).append(' ').append(c[1]).append('/').append(c[2]));
      return s.append(" (loaded/rejected)").toString();
    }
  }

  private void fuzz(FuzzFormat format, int cases, long seed) {
    Path valid = write(format, new Mutation("none", "valid files", Map.of()), "valid");
    Outcome baseline = run(format, valid);
    if (baseline.thrown() != null) {
      throw new AssertionFailedError(
          "the valid " + format.name() + " files do not load", baseline.thrown());
    }
    assertNull(
        format.original().mismatch(baseline.loaded()), "the oracle's model of the valid files");

    Random rnd = new Random(seed);
    Tally tally = new Tally();
    List<String> failures = new ArrayList<>();
    for (int c = 0; c < cases; c++) {
      Mutation m = format.mutate(rnd);
      Path caseDir = write(format, m, "case-" + c);
      Outcome outcome = run(format, caseDir);
      String problem = judge(format.expect(m), outcome, caseDir);
      tally.add(m.kind(), outcome.loaded() != null);
      if (problem != null) {
        failures.add(format.name() + " case " + c + " (" + m.description() + "): " + problem);
      }
    }
    System.out.println(tally.summary(format.name()));
    if (!failures.isEmpty()) {
      fail(failures.size() + " of " + cases + " cases failed:\n  " + String.join("\n  ", failures));
    }
    // a fuzzer whose cases all end the same way is not testing the oracle's other half
    assertTrue(tally.total(1) > 0 && tally.total(2) > 0, () -> tally.summary(format.name()));
  }

  /** Writes the valid file set, changed by {@code m}, into a fresh folder. */
  private Path write(FuzzFormat format, Mutation m, String folder) {
    Path caseDir = dir.resolve(format.name().replace(' ', '-')).resolve(folder);
    try {
      for (Map.Entry<String, byte[]> f : format.files().entrySet()) {
        Path file = caseDir.resolve(f.getKey());
        Files.createDirectories(file.getParent());
        Files.write(file, m.content(f.getKey(), f.getValue()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return caseDir;
  }

  /** Loads the files in {@code caseDir}, on a thread given {@value #CASE_SECONDS} seconds. */
  private static Outcome run(FuzzFormat format, Path caseDir) {
    try {
      return assertTimeoutPreemptively(
          Duration.ofSeconds(CASE_SECONDS),
          () -> {
            try {
              return new Outcome(format.read(caseDir), null);
            } catch (
                Throwable t) { // OutOfMemoryError included: a corrupt header must not cause one
              return new Outcome(null, t);
            }
          });
    } catch (AssertionFailedError timeout) {
      return new Outcome(null, timeout);
    }
  }

  /** Why {@code outcome} breaks {@code expect}, or null if it does not. */
  private static String judge(Expect expect, Outcome outcome, Path caseDir) {
    Throwable t = outcome.thrown();
    if (t instanceof AssertionFailedError) {
      return "did not finish within " + CASE_SECONDS + " s: " + t.getMessage();
    }
    if (t != null && !(t instanceof DataFormatException)) {
      return "threw " + t + " instead of a DataFormatException" + at(t);
    }
    if (t != null) {
      if (!expect.mayReject()) {
        return "rejected valid files: " + t.getMessage();
      }
      boolean named =
          expect.rejectable().stream()
              .anyMatch(f -> t.getMessage().contains(caseDir.resolve(f).toString()));
      return named
          ? null
          : "the error names none of " + expect.rejectable() + ": " + t.getMessage();
    }
    if (!expect.mayLoad()) {
      return "loaded " + outcome.loaded().size() + " images from files that must be rejected";
    }
    String mismatch = expect.load().mismatch(outcome.loaded());
    return mismatch == null ? null : "loaded other data than the files hold: " + mismatch;
  }

  private static String at(Throwable t) {
    StackTraceElement[] trace = t.getStackTrace();
    return trace.length == 0 ? "" : " at " + trace[0];
  }
}
