package io.tfssl.method;

/** SimSiam's predictor ablation (Chen and He 2021, Table 1, and §5's moving-average target). */
public enum PredictorMode {
  /** A trained two-layer MLP h (the default). */
  MLP,
  /** No predictor, h = identity: the paper reports collapse (0.1%). */
  NONE,
  /** An MLP kept at its random initialization (1.5% in the paper). */
  FIXED,
  /**
   * No predictor; instead the target of each image is a moving average over the steps, η_x ← m·η_x
   * + (1 − m)·F(T'(x)) (§5, "Predictor": 55.0% without h, against 0.1% with neither h nor the
   * average). See {@link MovingAverageTarget}.
   */
  MOVING_AVERAGE
}
