package io.tfssl.distributed;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Worker JVMs of a loopback cluster for tests: started with the test class path, logged to files.
 */
final class WorkerProcesses {
  private WorkerProcesses() {}

  /** {@code 127.0.0.1:p,127.0.0.1:q} with ports that were free a moment ago. */
  static String loopbackCluster(int workers) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      List<String> addresses = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        ServerSocket s = new ServerSocket(0);
        sockets.add(s);
        addresses.add("127.0.0.1:" + s.getLocalPort());
      }
      return String.join(",", addresses);
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }

  /** Starts {@code mainClass args} in a new JVM, its output going to {@code log}. */
  static Process start(Path log, String mainClass, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("TF_CONFIG");
    return pb.start();
  }

  /** Waits for {@code p}; kills it and fails if it runs longer than {@code seconds}. */
  static int await(Process p, Path log, int seconds) throws Exception {
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("worker did not finish within " + seconds + " s:\n" + tail(log));
    }
    return p.exitValue();
  }

  /** Waits until {@code log} has a line starting with {@code prefix}. */
  static void awaitLine(Process p, Path log, String prefix, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (lines(log).stream().anyMatch(l -> l.startsWith(prefix))) {
        return;
      }
      if (!p.isAlive()) {
        throw new AssertionError("worker exited before printing '" + prefix + "':\n" + tail(log));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no line '" + prefix + "' within " + seconds + " s:\n" + tail(log));
  }

  static List<String> lines(Path log) throws IOException {
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  /** The {@code step k <digest>} lines of a {@link StepDigestWorker}, digests in step order. */
  static List<String> digests(Path log) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : lines(log)) {
      String[] parts = line.split(" ");
      if (parts.length == 3 && parts[0].equals("step") && parts[2].length() == 64) {
        if (Integer.parseInt(parts[1]) != out.size() + 1) {
          throw new AssertionError("digest of step " + parts[1] + " out of order in " + log);
        }
        out.add(parts[2]);
      }
    }
    return out;
  }

  static String tail(Path log) throws IOException {
    List<String> all = lines(log);
    return String.join(
        File.separator.equals("/") ? "\n" : "\r\n",
        all.subList(Math.max(0, all.size() - 40), all.size()));
  }
}
