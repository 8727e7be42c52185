package io.tfssl.nn;

/**
 * What a trainable variable is, so that optimizers can treat it the way the papers do.
 *
 * <p>BYOL (Grill et al. 2020, App. C.1) and SimCLR exclude biases and batch-norm parameters from
 * weight decay and from LARS' trust-ratio adaptation; only {@link #WEIGHT} gets both.
 */
public enum ParamKind {
  /** Convolution kernels and dense matrices. */
  WEIGHT,
  /** Additive biases of conv or dense layers. */
  BIAS,
  /** Batch-norm gamma. */
  BN_SCALE,
  /** Batch-norm beta. */
  BN_OFFSET;

  /** True for parameters that get weight decay and LARS trust-ratio scaling. */
  public boolean decayed() {
    return this == WEIGHT;
  }
}
