package io.tfssl.compute;

/**
 * Which native TensorFlow library is on the class path: {@code tensorflow-core-native}'s {@code
 * linux-x86_64} (CPU only, the default build) or {@code linux-x86_64-gpu} (the {@code gpu} Maven
 * profile). JavaCPP extracts the library from a folder named after the platform, so the folder
 * tells which jar was packaged.
 */
public final class NativeBuild {
  private NativeBuild() {}

  private static final String GPU_FOLDER = "org/tensorflow/internal/c_api/linux-x86_64-gpu/";

  /** True when the GPU build of TensorFlow is on the class path. */
  public static boolean isGpu() {
    ClassLoader loader = NativeBuild.class.getClassLoader();
    return loader.getResource(GPU_FOLDER) != null
        || loader.getResource(GPU_FOLDER + "libjnitensorflow.so") != null;
  }

  /** "GPU build (linux-x86_64-gpu)" or "CPU build (linux-x86_64)". */
  public static String describe() {
    return isGpu() ? "GPU build (linux-x86_64-gpu)" : "CPU build (linux-x86_64)";
  }
}
