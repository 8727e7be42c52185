package io.tfssl.compute;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

/** The session settings of a training step, shared by the trainer and the step benchmark. */
public final class SessionConfigs {
  private SessionConfigs() {}

  /**
   * GPU memory grown on demand; with {@code threads > 0} both TF thread pools are bounded by it, so
   * T really bounds the cores a step uses (the intra-op pool alone would still run independent ops
   * side by side on every core). 0 leaves both to TF (every core).
   */
  public static ConfigProto training(int threads) {
    ConfigProto.Builder b =
        ConfigProto.newBuilder().setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true));
    if (threads > 0) {
      b.setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(threads);
    }
    return b.build();
  }
}
