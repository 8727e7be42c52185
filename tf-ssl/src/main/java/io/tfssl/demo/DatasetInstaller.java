package io.tfssl.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes sure Debian's {@code dataset-fashion-mnist} is installed before the demo needs it: when the
 * files are missing and we run as root with apt-get available, it installs the package (running
 * {@code apt-get update} first only if the plain install fails); otherwise it says in one line what
 * to install.
 */
public final class DatasetInstaller {
  /** The Debian package with Fashion-MNIST's IDX files. */
  public static final String PACKAGE = "dataset-fashion-mnist";

  static final List<String> FILES =
      List.of(
          "train-images-idx3-ubyte",
          "train-labels-idx1-ubyte",
          "t10k-images-idx3-ubyte",
          "t10k-labels-idx1-ubyte");

  /** Runs a command with inherited output; returns its exit status. */
  @FunctionalInterface
  public interface CommandRunner {
    int run(List<String> command) throws IOException, InterruptedException;
  }

  private final Path dir;
  private final boolean root;
  private final boolean aptAvailable;
  private final CommandRunner runner;

  DatasetInstaller(Path dir, boolean root, boolean aptAvailable, CommandRunner runner) {
    this.dir = dir;
    this.root = root;
    this.aptAvailable = aptAvailable;
    this.runner = runner;
  }

  /** The installer for this machine: root and apt-get as they are here. */
  public static DatasetInstaller forThisMachine(Path dir) {
    return new DatasetInstaller(
        dir,
        isRoot(),
        onPath("apt-get"),
        command -> new ProcessBuilder(command).inheritIO().start().waitFor());
  }

  /** Whether all four IDX files are in the folder (gzipped or not). */
  public boolean present() {
    return FILES.stream()
        .allMatch(
            f ->
                Files.isRegularFile(dir.resolve(f)) || Files.isRegularFile(dir.resolve(f + ".gz")));
  }

  /**
   * Returns normally when the data is there (installing it if it may).
   *
   * @throws IllegalStateException with the one-line instruction when it is missing and cannot be
   *     installed here
   */
  public void ensure(java.io.PrintStream log) {
    if (present()) {
      return;
    }
    String instruction =
        "Fashion-MNIST is missing from "
            + dir
            + ": install Debian's "
            + PACKAGE
            + " (apt-get install -y "
            + PACKAGE
            + ", as root)";
    if (!root || !aptAvailable) {
      throw new IllegalStateException(instruction);
    }
    log.println(
        "Fashion-MNIST is missing from " + dir + "; installing " + PACKAGE + " with apt-get");
    try {
      if (runner.run(List.of("apt-get", "install", "-y", PACKAGE)) != 0) {
        log.println("apt-get install failed; updating the package lists and trying again");
        if (runner.run(List.of("apt-get", "update")) != 0
            || runner.run(List.of("apt-get", "install", "-y", PACKAGE)) != 0) {
          throw new IllegalStateException(
              "apt-get could not install " + PACKAGE + "; " + instruction);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run apt-get (" + e.getMessage() + "); " + instruction, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while installing " + PACKAGE, e);
    }
    if (!present()) {
      throw new IllegalStateException(
          PACKAGE + " was installed but " + dir + " still lacks the IDX files");
    }
  }

  static boolean isRoot() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return uid instanceof Integer i && i == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(java.io.File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }
}
