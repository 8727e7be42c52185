package io.tfssl;

import io.tfssl.method.ByolConfig;
import io.tfssl.method.SimSiamConfig;
import io.tfssl.nn.HeadBn;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.Presets;
import java.util.List;

/** Small, fast configurations for tests: the real graphs with narrow heads and small batches. */
public final class TinyConfigs {
  private TinyConfigs() {}

  public static SimSiamConfig simsiam() {
    return SimSiamConfig.paper().withProjectorDims(List.of(64, 64)).withPredictorDims(List.of(16, 64))
        .validate();
  }

  public static ByolConfig byol() {
    return new ByolConfig(List.of(64, 32), List.of(64, 32), HeadBn.HIDDEN);
  }

  /** The fmnist-small preset shrunk: batch 16, narrow heads, a few steps. */
  public static PretrainConfig pretrain(String method, long steps) {
    PretrainConfig.Builder b = Presets.get("fmnist-small", method).toBuilder()
        .batchSize(16).steps(steps).logEvery(1).checkpointEvery(1000).threads(2);
    return method.equals("simsiam") ? b.simsiam(simsiam()).build() : b.byol(byol()).build();
  }
}
