package io.tfssl.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;

/** Facts about the machine a benchmark ran on, read from {@code /proc} (Linux). */
public final class Machine {
  private Machine() {}

  /**
   * Peak resident set size of this process in MiB ({@code VmHWM} of {@code /proc/self/status}), or
   * empty where that file does not exist.
   */
  public static OptionalDouble peakRssMb() {
    return statusField("VmHWM:");
  }

  /** Resident set size of this process now, in MiB ({@code VmRSS}), or empty off Linux. */
  public static OptionalDouble rssMb() {
    return statusField("VmRSS:");
  }

  private static OptionalDouble statusField(String field) {
    for (String line : lines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field)) {
        String[] parts = line.substring(field.length()).trim().split("\\s+");
        try {
          return OptionalDouble.of(Long.parseLong(parts[0]) / 1024.0); // kB
        } catch (NumberFormatException e) {
          return OptionalDouble.empty();
        }
      }
    }
    return OptionalDouble.empty();
  }

  /** The first {@code model name} of {@code /proc/cpuinfo}, or the architecture. */
  public static String cpuModel() {
    for (String line : lines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("model name")) {
        int colon = line.indexOf(':');
        if (colon >= 0) {
          return line.substring(colon + 1).trim();
        }
      }
    }
    return System.getProperty("os.arch");
  }

  /**
   * {@code TF_ENABLE_ONEDNN_OPTS} as the process sees it, or null when unset. TensorFlow turns its
   * oneDNN kernels on by default only on some CPUs (not on an AVX2-only AMD EPYC, where setting it
   * to 1 made the training step 1.2-1.5x faster), so results depend on it.
   */
  public static String oneDnnOpts() {
    return System.getenv("TF_ENABLE_ONEDNN_OPTS");
  }

  /** The 1-minute load average ({@code /proc/loadavg}): how much else ran on the cores. */
  public static double loadAverage() {
    List<String> l = lines(Path.of("/proc/loadavg"));
    try {
      return Double.parseDouble(l.get(0).split("\\s+")[0]);
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  /** Cores available to the JVM. */
  public static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
