package io.tfssl.method;

/** How the two-view loss is symmetrized (Chen and He 2021, Table 5). */
public enum Symmetry {
  /** ½D(p1, z2) + ½D(p2, z1): the default. */
  SYMMETRIC,
  /** D(p1, z2) only. */
  ASYMMETRIC,
  /**
   * The asymmetric loss on two pairs of views per image, to match the symmetric loss' sample count.
   */
  ASYMMETRIC_2X
}
