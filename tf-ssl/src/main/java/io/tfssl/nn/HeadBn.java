package io.tfssl.nn;

/**
 * Where the projection and prediction heads have batch norm: the four cases of SimSiam's BN
 * ablation (Chen and He 2021, Table 4).
 */
public enum HeadBn {
  /** (a) No BN in either head (SimSiam: 34.6% on ImageNet). */
  NONE(false, false, false, false),
  /** (b) BN on the hidden layers of both heads (67.4%). */
  HIDDEN(true, false, true, false),
  /** (c) Also on the projector's output (the default, 68.1%). */
  HIDDEN_OUTPUT(true, true, true, false),
  /** (d) Also on the predictor's output (unstable in the paper). */
  ALL(true, true, true, true);

  public final boolean projectorHidden;
  public final boolean projectorOutput;
  public final boolean predictorHidden;
  public final boolean predictorOutput;

  HeadBn(boolean ph, boolean po, boolean qh, boolean qo) {
    this.projectorHidden = ph;
    this.projectorOutput = po;
    this.predictorHidden = qh;
    this.predictorOutput = qo;
  }
}
