package io.tfssl;

import io.tfssl.method.ByolConfig;
import io.tfssl.method.MoCoConfig;
import io.tfssl.method.SimClrConfig;
import io.tfssl.method.SimSiamConfig;
import io.tfssl.method.SwavConfig;
import io.tfssl.nn.HeadBn;
import io.tfssl.train.Presets;
import io.tfssl.train.PretrainConfig;
import java.util.List;

/** Small, fast configurations for tests: the real graphs with narrow heads and small batches. */
public final class TinyConfigs {
  private TinyConfigs() {}

  public static SimSiamConfig simsiam() {
    return SimSiamConfig.paper()
        .withProjectorDims(List.of(64, 64))
        .withPredictorDims(List.of(16, 64))
        .validate();
  }

  public static ByolConfig byol() {
    return new ByolConfig(List.of(64, 32), List.of(64, 32), HeadBn.HIDDEN);
  }

  public static SimClrConfig simclr() {
    return new SimClrConfig(List.of(64, 32), HeadBn.HIDDEN_OUTPUT, 0.5);
  }

  /** A queue of 40 keys: not a multiple of the tiny batch of 16. */
  public static MoCoConfig mocov2() {
    return new MoCoConfig(List.of(64, 32), 40, 0.2, 2);
  }

  /** Two large views and two small 14-pixel crops, 10 prototypes. */
  public static SwavConfig swav() {
    return new SwavConfig(List.of(64, 32), 10, 0.1, 0.05, 3, 2, 14, 0.1, 0.4);
  }

  /** The fmnist-small preset shrunk: batch 16, narrow heads, a few steps. */
  public static PretrainConfig pretrain(String method, long steps) {
    PretrainConfig.Builder b =
        Presets.get("fmnist-small", method).toBuilder()
            .batchSize(16)
            .steps(steps)
            .logEvery(1)
            .checkpointEvery(1000)
            .threads(2);
    return switch (method) {
      case "simsiam" -> b.simsiam(simsiam()).build();
      case "byol" -> b.byol(byol()).build();
      case "simclr" -> b.simclr(simclr()).build();
      case "mocov2" -> b.mocov2(mocov2()).build();
      default -> b.swav(swav()).build();
    };
  }
}
