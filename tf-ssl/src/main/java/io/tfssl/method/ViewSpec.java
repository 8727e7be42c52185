package io.tfssl.method;

import io.tfssl.augment.ViewPolicy;

/**
 * One augmented view that a training step feeds to a method: how it is augmented and its side in
 * pixels. Most methods take two views at the run's view size; SwAV's multi-crop adds smaller ones
 * (Caron et al. 2020, §3.2).
 *
 * @param policy the augmentation of this view
 * @param size the side of the square view in pixels
 */
public record ViewSpec(ViewPolicy policy, int size) {
  public ViewSpec {
    if (policy == null) {
      throw new IllegalArgumentException("a view needs an augmentation policy");
    }
    if (size <= 0) {
      throw new IllegalArgumentException("a view's size must be positive, got " + size);
    }
  }
}
