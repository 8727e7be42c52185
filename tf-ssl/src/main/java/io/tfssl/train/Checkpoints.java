package io.tfssl.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.tensorflow.Session;

/**
 * The checkpoints of a run: {@code checkpoints/step-00000100/ckpt.{index,data-*}} and a
 * {@code checkpoints/latest} file naming the newest complete one.
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

  /** Saves every variable of the session's graph as the checkpoint of {@code step}. */
  public Path save(Session session, long step) {
    try {
      Files.createDirectories(dir);
      String name = String.format("step-%08d", step);
      Path tmp = dir.resolve(".tmp-" + name);
      deleteRecursively(tmp);
      Files.createDirectories(tmp);
      session.save(tmp.resolve(PREFIX_NAME).toString());
      Path target = dir.resolve(name);
      deleteRecursively(target);
      move(tmp, target);
      Path latestTmp = dir.resolve(".latest.tmp");
      Files.writeString(latestTmp, name + "\n", StandardCharsets.UTF_8);
      move(latestTmp, dir.resolve("latest"));
      prune();
      return target.resolve(PREFIX_NAME);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint in " + dir + ": " + e.getMessage(), e);
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
        throw new IllegalStateException("checkpoint " + prefix + " named by " + latest
            + " is missing its .index file");
      }
      return Optional.of(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + latest, e);
    }
  }

  /** Restores the newest checkpoint into {@code session}; its graph must have the same variables. */
  public Path restoreLatest(Session session) {
    Path prefix = latest().orElseThrow(() -> new IllegalStateException("no checkpoint in " + dir));
    session.restore(prefix.toString());
    return prefix;
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
