package io.tfssl.compute;

/**
 * One device a TensorFlow session can place ops on.
 *
 * @param name the full name, {@code /job:localhost/replica:0/task:0/device:GPU:0}
 * @param type {@code CPU} or {@code GPU}
 * @param memoryBytes the memory TF reports for it (for a GPU, what its allocator may use)
 */
public record TfDevice(String name, String type, long memoryBytes) {

  /** {@code GPU:0}, {@code CPU:0}: the part after {@code device:}. */
  public String shortName() {
    int i = name.lastIndexOf("device:");
    return i < 0 ? name : name.substring(i + "device:".length());
  }

  public boolean isGpu() {
    return type.equals("GPU");
  }

  /** {@code GPU:0 (75.2 GiB)}, {@code CPU:0}. */
  public String label() {
    return isGpu()
        ? String.format(
            java.util.Locale.ROOT, "%s (%.1f GiB)", shortName(), memoryBytes / (double) (1L << 30))
        : shortName();
  }
}
