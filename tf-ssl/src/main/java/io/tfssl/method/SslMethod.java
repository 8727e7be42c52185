package io.tfssl.method;

import io.tfssl.augment.ViewPolicy;
import io.tfssl.nn.Mlp;
import java.util.ArrayList;
import java.util.List;

/**
 * A self-supervised method: given augmented views of one batch, its networks and its loss.
 *
 * <p>A method states only what its paper states (heads, target branch, loss); the trainer owns the
 * optimizer, the schedules, the data and the session. Every method builds its online network under
 * the {@code online} prefix with the encoder at {@code online/encoder}, so the exporter and the
 * evaluators find it there whatever the method.
 */
public interface SslMethod {

  /** Name on the command line ({@code simsiam}, {@code byol}, {@code simclr}, ...). */
  String name();

  /** How many augmented views of each image the loss needs (2 for most settings). */
  int numViews();

  /**
   * The views of one step, in the order {@link #build} receives them. The default is {@link
   * #numViews()} views at the run's {@code viewSize}, alternating the run's policies (view 1, view
   * 2, view 1, ...); a method with views of other sizes (SwAV's multi-crop) overrides it. View 1 is
   * always at {@code viewSize}: it is what the collapse monitor, the online probe and the exported
   * model see.
   *
   * @param policies the run's view policies (view 1, view 2)
   * @param viewSize the run's view side in pixels
   */
  default List<ViewSpec> views(List<ViewPolicy> policies, int viewSize) {
    List<ViewSpec> views = new ArrayList<>();
    for (int i = 0; i < numViews(); i++) {
      views.add(new ViewSpec(policies.get(i % policies.size()), viewSize));
    }
    return views;
  }

  /**
   * The projector g as this method configures it. The exporter applies it in inference mode under
   * {@code online/projector}, so a served model's {@code projection} output is the z the loss saw.
   */
  Mlp projector();

  /**
   * Builds the training graph of one step on the input's views. Replicated ({@link
   * MethodInput#crossReplica()}), the losses that look across samples use the global batch and
   * batch norm may share its statistics; the method states the same networks and loss either way.
   */
  MethodGraph build(MethodInput input);

  /**
   * Whether the method keeps state per image and so needs to know which dataset images the batch
   * holds (SimSiam's moving-average target, §5): the trainer then builds it with the batch's {@link
   * MethodInput#imageIndex()} and feeds the indices every step.
   */
  default boolean needsImageIndex() {
    return false;
  }
}
