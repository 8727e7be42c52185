package io.tfssl.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.tensorflow.Session;

/**
 * The checkpoints of a run: {@code checkpoints/step-00000100/ckpt.{index,data-*}} and a {@code
 * checkpoints/latest} file naming the newest complete one.
 *
 * <p>Crash safety: a checkpoint is written into a hidden temporary folder, which is renamed into
 * place only once {@code Session.save} has returned; then {@code latest} is replaced by an atomic
 * rename. A crash at any moment leaves {@code latest} pointing at a complete checkpoint. Only the
 * newest {@code keep} checkpoints are kept.
 */
public final class Checkpoints {
  static final String PREFIX_NAME = "ckpt";
  private final Path dir;
  private final int keep;

  public Checkpoints(Path dir, int keep) {
    this.dir = dir;
    this.keep = keep;
  }

  public Path dir() {
    return dir;
  }

  /**
   * Saves every variable of the session's graph as the checkpoint of {@code step}.
   *
   * @throws CheckpointWriteException when it cannot be written completely (a full disk, an
   *     unwritable folder): the partial files are removed and {@code latest} still names the
   *     previous complete checkpoint
   */
  public Path save(Session session, long step) {
    String name = String.format("step-%08d", step);
    Path tmp = dir.resolve(".tmp-" + name);
    try {
      Files.createDirectories(dir);
      deleteRecursively(tmp);
      Files.createDirectories(tmp);
      session.save(tmp.resolve(PREFIX_NAME).toString());
      // On the disk before the rename makes them the checkpoint: after a power loss the renamed
      // folder must not hold files whose data never left the page cache.
      forceFiles(tmp);
      Path target = dir.resolve(name);
      deleteRecursively(target);
      move(tmp, target);
      pointLatestAt(name);
      prune();
      return target.resolve(PREFIX_NAME);
    } catch (IOException | RuntimeException e) {
      try {
        deleteRecursively(tmp);
      } catch (IOException | RuntimeException ignored) {
        // The next save of this step clears it; the reason reported is the original one.
      }
      String previous;
      try {
        previous =
            latest()
                .map(
                    p ->
                        "latest still names " + p.getParent().getFileName() + ", which is complete")
                .orElse("no complete checkpoint exists yet");
      } catch (RuntimeException unreadable) {
        previous = "latest cannot be read either";
      }
      String reason =
          e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().split("\n")[0];
      throw new CheckpointWriteException(
          "could not write the checkpoint of step "
              + step
              + " in "
              + dir
              + " ("
              + reason
              + "); "
              + previous
              + ". Free space or fix the folder,"
              + " then continue with --resume.",
          e);
    }
  }

  /** Bytes the checkpoint folders take now (they are replaced as the run goes on). */
  public long bytesOnDisk() {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static void forceFiles(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE)) {
          c.force(true);
        }
      }
    }
  }

  /** The prefix ({@code .../ckpt}) of the newest complete checkpoint, if any. */
  public Optional<Path> latest() {
    Path latest = dir.resolve("latest");
    if (!Files.isRegularFile(latest)) {
      return Optional.empty();
    }
    try {
      String name = Files.readString(latest, StandardCharsets.UTF_8).trim();
      Path prefix = dir.resolve(name).resolve(PREFIX_NAME);
      if (!Files.isRegularFile(Path.of(prefix + ".index"))) {
        throw new IllegalStateException(
            "checkpoint " + prefix + " named by " + latest + " is missing its .index file");
      }
      return Optional.of(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + latest, e);
    }
  }

  /**
   * Restores the newest checkpoint into {@code session}; its graph must have the same variables.
   */
  public Path restoreLatest(Session session) {
    return restoreLatest(session, System.err::println);
  }

  /**
   * Restores the newest checkpoint that reads back intact: TF's restore checks every tensor's
   * CRC32C and the index, so a damaged or truncated checkpoint fails to load. Then the one before
   * it is tried, and so on, with a warning naming what was skipped. (A training step cannot be
   * half-applied by a restore: each restore assigns every variable.)
   *
   * @param warn told about every checkpoint that had to be skipped
   * @return the prefix restored
   * @throws IllegalStateException when there is no checkpoint, or none of them restores
   */
  public Path restoreLatest(Session session, Consumer<String> warn) {
    List<Path> candidates = new ArrayList<>();
    try {
      latest().ifPresent(candidates::add);
    } catch (IllegalStateException e) {
      warn.accept("warning: " + e.getMessage());
    }
    for (Path p : completeCheckpoints()) {
      if (!candidates.contains(p)) {
        candidates.add(p);
      }
    }
    if (candidates.isEmpty()) {
      throw new IllegalStateException("no checkpoint in " + dir);
    }
    List<String> failures = new ArrayList<>();
    for (Path prefix : candidates) {
      try {
        session.restore(prefix.toString());
        if (!latestNames(prefix)) {
          // Later reads (and the next resume) start from what was actually restored.
          pointLatestAt(prefix.getParent().getFileName().toString());
        }
        return prefix;
      } catch (RuntimeException e) {
        String reason =
            e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().split("\n")[0];
        failures.add(prefix + ": " + reason);
        warn.accept(
            "warning: checkpoint "
                + prefix.getParent().getFileName()
                + " does not restore ("
                + reason
                + "); trying the one before it");
      }
    }
    throw new IllegalStateException("no checkpoint in " + dir + " restores: " + failures);
  }

  private boolean latestNames(Path prefix) {
    try {
      return latest().map(prefix::equals).orElse(false);
    } catch (IllegalStateException damaged) {
      return false;
    }
  }

  /** Whether the run has no checkpoint with an index file (nothing to resume from). */
  public boolean isEmpty() {
    return completeCheckpoints().isEmpty();
  }

  /** Checkpoint prefixes with an index file, newest first. */
  private List<Path> completeCheckpoints() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("step-"))
          .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
          .map(p -> p.resolve(PREFIX_NAME))
          .filter(p -> Files.isRegularFile(Path.of(p + ".index")))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** Replaces {@code latest} by an atomic rename, so a reader never sees half a name. */
  private void pointLatestAt(String name) {
    try {
      Path latestTmp = dir.resolve(".latest.tmp");
      Files.writeString(latestTmp, name + "\n", StandardCharsets.UTF_8);
      move(latestTmp, dir.resolve("latest"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve("latest"), e);
    }
  }

  private void prune() throws IOException {
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().startsWith("step-")).forEach(all::add);
    }
    all.sort(Comparator.comparing(p -> p.getFileName().toString()));
    for (int i = 0; i < all.size() - keep; i++) {
      deleteRecursively(all.get(i));
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
