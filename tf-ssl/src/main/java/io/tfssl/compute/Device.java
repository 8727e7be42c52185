package io.tfssl.compute;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where a run asks to train. TensorFlow places every op of the graph itself (no op here names a
 * device); this choice only decides which devices the session may create and what is checked.
 */
public enum Device {
  /** The GPU when TensorFlow sees one (TF's placer prefers it), else the CPU. */
  AUTO,
  /** The CPU even when a GPU is visible (the session creates no GPU device). */
  CPU,
  /** A GPU, or a clear error at start-up: never a silent CPU run. */
  GPU;

  /** The value as written on the command line. */
  public String cli() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code auto}, {@code cpu} or {@code gpu} (any case). */
  public static Device parse(String value) {
    for (Device d : values()) {
      if (d.cli().equalsIgnoreCase(value.trim())) {
        return d;
      }
    }
    throw new IllegalArgumentException("'" + value + "' is not one of " + names());
  }

  static String names() {
    return Arrays.stream(values()).map(Device::cli).collect(Collectors.joining(", "));
  }
}
