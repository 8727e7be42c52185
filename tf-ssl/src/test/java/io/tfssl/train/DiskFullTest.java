package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TestRuns;
import io.tfssl.TinyConfigs;
import io.tfssl.data.IdxSource;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: a small tmpfs is mounted for the run folder (this needs root, as in CI), so the
 * errors are the kernel's ENOSPC, not a simulation. Too little room is reported before training
 * starts; a disk that fills up during training stops the run at the checkpoint that does not fit,
 * leaves no partial checkpoint behind, keeps {@code latest} on the previous one, and a resume after
 * freeing space repeats the uninterrupted run.
 */
class DiskFullTest {
  @TempDir Path tmp;
  private Path mount;

  @BeforeEach
  void needsFashionMnist() {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxSource.FASHION_MNIST_DIR), "needs Debian's dataset-fashion-mnist");
  }

  @AfterEach
  void unmount() throws Exception {
    if (mount != null) {
      new ProcessBuilder("umount", mount.toString())
          .inheritIO()
          .start()
          .waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Mounts a tmpfs of {@code bytes} on a fresh folder; skips where mounting is not allowed. */
  private Path smallDisk(long bytes) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("disk"));
    Process p;
    try {
      p =
          new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", dir.toString())
              .redirectErrorStream(true)
              .start();
    } catch (IOException noMount) {
      p = null;
    }
    boolean mounted = p != null && p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    Assumptions.assumeTrue(mounted, "mounting a tmpfs needs root (CI runs as root)");
    mount = dir;
    return dir;
  }

  private static PretrainConfig config() {
    return TinyConfigs.pretrain("simsiam", 8).toBuilder()
        .checkpointEvery(4)
        .keepCheckpoints(1)
        .build();
  }

  @Test
  void tooLittleSpaceIsReportedBeforeTrainingStarts() throws Exception {
    Path disk = smallDisk(2L << 20);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> Trainer.create(config(), disk.resolve("run")).close());
    assertTrue(e.getMessage().contains("not enough free disk space"), e.getMessage());
    assertTrue(e.getMessage().contains(disk.resolve("run").toString()), e.getMessage());
    assertFalse(Files.exists(disk.resolve("run").resolve("metrics.jsonl")), "nothing trained");
  }

  @Test
  void aDiskThatFillsDuringTrainingNeverLeavesAPartialCheckpoint() throws Exception {
    Path straight = tmp.resolve("straight");
    try (Trainer t = Trainer.create(config(), straight)) {
      t.progressBar(false).train();
    }
    long checkpointBytes;
    try (Stream<Path> s = Files.walk(straight.resolve("checkpoints").resolve("step-00000008"))) {
      checkpointBytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    Path disk = smallDisk(DiskSpace.needed(checkpointBytes, 1) + (2L << 20));
    Path run = disk.resolve("run");
    try (Trainer t = Trainer.create(config(), run)) {
      t.progressBar(false).trainUntil(4);
      // Fill the disk so that only half a checkpoint fits.
      Path ballast = disk.resolve("ballast");
      long usable = Files.getFileStore(disk).getUsableSpace();
      try (RandomAccessFile f = new RandomAccessFile(ballast.toFile(), "rw")) {
        byte[] block = new byte[1 << 16];
        for (long left = usable - checkpointBytes / 2; left > 0; left -= block.length) {
          f.write(block, 0, (int) Math.min(block.length, left));
        }
      }
      CheckpointWriteException e =
          assertThrows(CheckpointWriteException.class, () -> t.trainUntil(8));
      assertTrue(e.getMessage().contains("step 8"), e.getMessage());
      assertTrue(e.getMessage().contains("latest still names step-00000004"), e.getMessage());
      Files.delete(ballast);
    } catch (UncheckedIOException metricsFirst) {
      throw new AssertionError(
          "the metrics log, not the checkpoint, hit the full disk", metricsFirst);
    }
    List<String> left;
    try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
      left = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertEquals(List.of("latest", "step-00000004"), left, "no partial checkpoint left");
    try (Trainer t = Trainer.resume(run)) {
      assertEquals(4, t.globalStep());
      t.progressBar(false).train();
    }
    assertEquals(TestRuns.losses(straight), TestRuns.losses(run));
  }

  @Test
  void anUnwritableOutputFolderIsReportedBeforeTrainingStarts() throws Exception {
    // Root may write anywhere; a folder below a regular file cannot exist for anyone.
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class,
            () -> Trainer.create(config(), file.resolve("run")).close());
    assertTrue(e.getMessage().contains("cannot write to " + file.resolve("run")), e.getMessage());
  }
}
