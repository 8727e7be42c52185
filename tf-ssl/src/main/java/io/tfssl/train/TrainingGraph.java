package io.tfssl.train;

import io.tfssl.augment.Augmenter;
import io.tfssl.augment.EvalTransform;
import io.tfssl.compute.LossScale;
import io.tfssl.compute.Precision;
import io.tfssl.data.Normalization;
import io.tfssl.method.CrossReplicaContext;
import io.tfssl.method.ImageIndex;
import io.tfssl.method.MethodGraph;
import io.tfssl.method.MethodInput;
import io.tfssl.method.SslMethod;
import io.tfssl.method.ViewSpec;
import io.tfssl.nn.Encoder;
import io.tfssl.nn.Mode;
import io.tfssl.nn.Net;
import io.tfssl.nn.Param;
import io.tfssl.optim.ParamGrad;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * The static graph of one training step, built once:
 *
 * <pre>
 * uint8 batch ─► view_i = augment(policy_i, batch, seed = (run seed, step·V + i))
 *            ─► method: online / target networks, loss
 *            ─► gradients over the explicit trainable list ─► optimizer update (lr from the step)
 *               (fp16: of the loss times a dynamic {@link LossScale}, unscaled before the update)
 *            ─► after it: target EMA (τ from the step), the method's after-update ops (MoCo's
 *               enqueue, SwAV's prototype normalization), BN statistics ─► global_step += 1
 * </pre>
 *
 * Everything that varies with the step (learning rate, τ, augmentation seeds) is computed in the
 * graph from {@code global_step}, which is saved with the checkpoint, so a resumed run repeats.
 *
 * <p>With towers ({@link Replication#towers()} &gt; 1) everything from the views to the
 * after-update ops is built once per tower, on the tower's device and from its slice of the fed
 * batch; the towers share only {@code global_step} and meet in the replication's all-reduce. The
 * accessors return tower 0's parts, and {@link #loss()} the towers' mean.
 */
public final class TrainingGraph {
  private final Graph graph;
  private final Placeholder<TUint8> images;
  private final Variable<TInt64> globalStep;
  private final Operand<TFloat32> loss;
  private final Operand<TFloat32> learningRate;
  private final Operand<TFloat32> tau;
  private final Operand<TFloat32> collapseStd;
  private final Operand<TFloat32> rankY;
  private final Operand<TFloat32> rankZ;
  private final Op trainStep;
  private final MethodGraph methodGraph;
  private final Placeholder<TUint8> evalImages;
  private final Operand<TFloat32> evalEmbedding;
  private final OnlineProbe probe;
  private final ImageIndex imageIndex;

  /**
   * Builds the step {@code spec} describes into {@code graph}, an empty graph that this object
   * fills. With a replication, this is one replica of synchronous data-parallel training: the
   * replica's own augmentation seed, gradients averaged over the replicas before the update, and
   * state updated from the local batch kept equal on all of them ({@link Replication}).
   */
  public TrainingGraph(Graph graph, StepSpec spec) {
    SslMethod method = spec.method();
    long[] imageShape = spec.imageShape();
    Replication replication = spec.replication();
    this.graph = graph;
    CrossReplicaContext crossReplica = replication.prepare(graph);
    Ops tf = Ops.create(graph);
    globalStep = tf.withName("global_step").variable(tf.constant(0L));
    Operand<TInt64> step = tf.withName("step").identity(globalStep);
    int h = (int) imageShape[0];
    int w = (int) imageShape[1];
    images =
        tf.withName("images")
            .placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, h, w, imageShape[2])));

    // Towers: the fed batch is cut into one slice per replica of this process, and each builds
    // the whole step on its own device with its own copy of the variables (tower 0 with the
    // names of a single replica); they meet only in the replication's all-reduce.
    int towers = replication.towers();
    if (towers > 1 && (method.needsImageIndex() || spec.probeClasses() > 0)) {
      throw new IllegalArgumentException(
          "towers cannot keep per-image state or an online probe" + " equal between them");
    }
    Ops towersOps = tf.withSubScope("towers");
    List<Operand<TUint8>> slices = new ArrayList<>();
    if (towers == 1) {
      slices.add(images);
    } else {
      towersOps.split(towersOps.constant(0), images, (long) towers).output().forEach(slices::add);
    }
    List<Tower> built = new ArrayList<>();
    for (int t = 0; t < towers; t++) {
      replication.startTower(t);
      DeviceSpec device = replication.towerDevice(t);
      Ops towerOps = t == 0 ? tf : tf.withSubScope("tower_" + t);
      if (device != null) {
        towerOps = towerOps.withDevice(device);
      }
      Set<String> before = TowerOps.names(graph);
      built.add(
          buildTower(
              spec,
              new TowerInput(
                  towerOps,
                  before,
                  slices.get(t),
                  step,
                  replication.augmentationSeed(spec.seed(), t),
                  crossReplica)));
      if (device != null) {
        // The backward ops (Graph.addGradients places nothing) run on the tower's device too.
        TowerOps.placeUnplaced(graph, before, device.toString());
      }
    }
    Tower first = built.get(0);
    methodGraph = first.methodGraph();
    imageIndex = first.imageIndex();
    probe = first.probe();
    learningRate = first.learningRate();
    tau = first.tau();
    loss =
        towers == 1
            ? first.loss()
            : towersOps
                .withName("mean_loss")
                .math
                .mean(
                    towersOps.stack(built.stream().map(Tower::loss).toList()),
                    towersOps.constant(0));
    List<Op> afterUpdate = new ArrayList<>();
    built.forEach(b -> afterUpdate.addAll(b.afterUpdate()));
    Ops last = tf.withControlDependencies(afterUpdate);
    Op increment = last.assignAdd(globalStep, last.constant(1L));
    trainStep = tf.withControlDependencies(List.of(increment)).withName("train_step").noOp();
    Ops monitor = tf.withSubScope("monitor");
    collapseStd =
        monitor
            .withName("collapse_std")
            .identity(CollapseMonitor.stdTimesSqrtDim(monitor, methodGraph.projection()));
    // Dimensional collapse: the effective rank of the step's own batch of encoder outputs y and
    // projector outputs z (first view, training mode), computed only when fetched.
    rankY =
        monitor
            .withName("rank_y")
            .identity(EffectiveRank.rankMe(monitor, methodGraph.representation()));
    rankZ =
        monitor
            .withName("rank_z")
            .identity(EffectiveRank.rankMe(monitor, methodGraph.projection()));
    // The encoder in inference mode on unaugmented images, sharing the online weights: what
    // the exporter will serve, and what the kNN monitor embeds.
    evalImages =
        monitor
            .withName("eval_images")
            .placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, h, w, imageShape[2])));
    Operand<TFloat32> evalInput =
        EvalTransform.apply(
            monitor, evalImages, spec.viewSize(), spec.viewSize(), spec.normalization());
    evalEmbedding =
        monitor
            .withName("eval_embedding")
            .identity(
                spec.encoder()
                    .apply(
                        Net.of(methodGraph.online(), Mode.INFERENCE).child("encoder"), evalInput));
  }

  /** What one tower of the step built. */
  private record Tower(
      MethodGraph methodGraph,
      ImageIndex imageIndex,
      OnlineProbe probe,
      Operand<TFloat32> loss,
      Operand<TFloat32> learningRate,
      Operand<TFloat32> tau,
      List<Op> afterUpdate) {}

  /**
   * Where one tower is built: {@code tf} is its scope and device (with one tower the graph's root
   * scope, so a single replica's graph has the names it always had), {@code before} names the
   * graph's ops before this tower, {@code batch} is its slice of the fed images, {@code
   * augmentationSeed} the seed of its views and {@code crossReplica} what it shares with the other
   * replicas.
   */
  private record TowerInput(
      Ops tf,
      Set<String> before,
      Operand<TUint8> batch,
      Operand<TInt64> step,
      long augmentationSeed,
      CrossReplicaContext crossReplica) {}

  /**
   * One replica of the step on its batch: views, method, gradients (all-reduced with the other
   * replicas), update, and the state updates that must follow the update.
   */
  private static Tower buildTower(StepSpec spec, TowerInput in) {
    Ops tf = in.tf();
    Operand<TUint8> batch = in.batch();
    Operand<TInt64> step = in.step();
    SslMethod method = spec.method();
    Encoder encoder = spec.encoder();
    Normalization normalization = spec.normalization();
    long seed = spec.seed();
    int imageCount = spec.imageCount();
    Replication replication = spec.replication();
    Graph graph = (Graph) tf.scope().env();
    List<ViewSpec> viewSpecs = method.views(spec.policies(), spec.viewSize());
    int numViews = viewSpecs.size();
    List<Operand<TFloat32>> views = new ArrayList<>();
    for (int i = 0; i < numViews; i++) {
      Ops viewOps = tf.withSubScope("view" + (i + 1));
      // Per-step, per-view stateless seed: (run seed, step·V + i).
      Operand<TInt64> counter =
          viewOps.math.add(
              viewOps.math.mul(step, viewOps.constant((long) numViews)),
              viewOps.constant((long) i));
      Operand<TInt64> viewSeed =
          viewOps.stack(List.of(viewOps.constant(in.augmentationSeed()), counter));
      ViewSpec viewSpec = viewSpecs.get(i);
      int size = viewSpec.size();
      Operand<TFloat32> view =
          Augmenter.view(viewOps, batch, viewSeed, viewSpec.policy(), size, size, normalization);
      // Pin the static shape: some augmentation paths (per-sample partition and stitch) lose it,
      // and the encoder's kernels and FLOP count want it.
      views.add(
          viewOps.reshape(
              view, viewOps.constant(new int[] {-1, size, size, (int) spec.imageShape()[2]})));
    }

    ImageIndex imageIndex = null;
    if (method.needsImageIndex()) {
      if (imageCount <= 0) {
        throw new IllegalArgumentException(
            method.name() + " with per-image state needs the" + " number of training images");
      }
      imageIndex = ImageIndex.create(tf, imageCount);
    }
    MethodGraph methodGraph =
        method.build(
            MethodInput.of(tf, encoder, views, seed)
                .withImageIndex(imageIndex)
                .withCrossReplica(in.crossReplica()));
    Operand<TFloat32> loss = methodGraph.loss();

    Ops optOps = tf.withSubScope("optimizer");
    Operand<TFloat32> learningRate =
        optOps.withName("learning_rate").identity(spec.lrSchedule().at(optOps, step));
    Operand<TFloat32> constantLr = optOps.constant((float) spec.fixedLr());
    // Gradients over the explicit trainable list: Optimizer.minimize would differentiate w.r.t.
    // every variable, BN moving statistics included, and fail (docs/tensorflow-java.md §2).
    List<Param> trainable = methodGraph.trainable();
    Output<?>[] xs = trainable.stream().map(p -> p.variable().asOutput()).toArray(Output[]::new);
    LossScale lossScale =
        spec.precision() == Precision.FP16
            ? LossScale.dynamic(tf.withSubScope("loss_scale"))
            : null;
    // Each tower differentiates under its own prefix (TF refuses to reuse one); a single
    // replica's is "gradients".
    Output<?>[] grads =
        Gradients.of(
            graph,
            tf.scope().makeOpName("gradients"),
            lossScale == null ? loss : lossScale.scaled(optOps, loss),
            xs);
    List<Operand<TFloat32>> gs = new ArrayList<>();
    for (int i = 0; i < xs.length; i++) {
      if (Gradients.isAbsent(grads[i])) {
        throw new IllegalStateException(
            "no gradient reaches trainable parameter " + trainable.get(i).name());
      }
      @SuppressWarnings("unchecked")
      Output<TFloat32> g = (Output<TFloat32>) grads[i];
      gs.add(g);
    }
    // The replicas' mean, before the unscaling and the finite check: every replica then makes
    // the same decisions (an fp16 loss scale skips a step on all of them, or on none).
    gs = replication.reduceGradients(optOps, gs);
    Operand<TFloat32> stepLr = learningRate;
    if (lossScale != null) {
      gs = lossScale.unscale(optOps, gs);
      stepLr = lossScale.gate(optOps, learningRate);
      constantLr = lossScale.gate(optOps, constantLr);
    }
    // No update reads a gradient before the loss (and, without a loss scale, every gradient)
    // is known to be finite. Under fp16's dynamic loss scale an overflowing gradient is
    // expected now and then: the scale skips that step and shrinks, so only the loss is checked.
    Ops guarded =
        optOps.withControlDependencies(
            List.of(
                NonFiniteGuard.check(
                    tf,
                    loss,
                    lossScale == null ? gs : List.of(),
                    methodGraph.online().watchedStatistics())));
    List<ParamGrad> paramGrads = new ArrayList<>();
    for (int i = 0; i < xs.length; i++) {
      Param p = trainable.get(i);
      Operand<TFloat32> g = guarded.identity(gs.get(i));
      Operand<TFloat32> lr = methodGraph.fixedLrParams().contains(p.name()) ? constantLr : stepLr;
      paramGrads.add(new ParamGrad(p, g, lr));
    }
    Op update = spec.optimizer().apply(optOps, paramGrads, "update");

    List<Op> afterUpdate = new ArrayList<>(methodGraph.stateUpdates());
    afterUpdate.add(update);
    afterUpdate.addAll(
        replication.synchronizeState(
            tf.withSubScope("replicas").withControlDependencies(methodGraph.stateUpdates()),
            TowerOps.variablesSince(graph, in.before())));
    OnlineProbe probe = null;
    if (spec.probeClasses() > 0) {
      probe = OnlineProbe.build(graph, tf, methodGraph.representation(), spec.probeClasses(), seed);
      afterUpdate.add(probe.update());
    }
    Operand<TFloat32> tau = null;
    if (methodGraph.target().isPresent()) {
      Ops emaOps = tf.withSubScope("target_ema");
      tau = emaOps.withName("tau").identity(spec.tauSchedule().at(emaOps, step));
      // The EMA reads θ after the optimizer has written it: control dependency on the update.
      Ops after = emaOps.withControlDependencies(List.of(update));
      afterUpdate.add(methodGraph.target().get().update(after, tau));
    }
    if (lossScale != null) {
      afterUpdate.add(
          lossScale.update(tf.withSubScope("loss_scale").withControlDependencies(List.of(update))));
    }
    if (!methodGraph.afterUpdate().isEmpty()) {
      // The method's own post-update state changes (MoCo's enqueue, SwAV's prototype
      // normalization), under the same control dependency: the loss above read the old state.
      Ops after = tf.withSubScope("after_update").withControlDependencies(List.of(update));
      for (Function<Ops, Op> change : methodGraph.afterUpdate()) {
        afterUpdate.add(change.apply(after));
      }
    }
    return new Tower(methodGraph, imageIndex, probe, loss, learningRate, tau, afterUpdate);
  }

  public Graph graph() {
    return graph;
  }

  /** The uint8 batch to feed, [N, H, W, C]. */
  public Placeholder<TUint8> images() {
    return images;
  }

  public Variable<TInt64> globalStep() {
    return globalStep;
  }

  /** The loss of the fed batch, before the update (with towers, the mean of theirs). */
  public Operand<TFloat32> loss() {
    return loss;
  }

  public Operand<TFloat32> learningRate() {
    return learningRate;
  }

  /**
   * The EMA rate at this step (BYOL's τ, MoCo's momentum m), or null for methods without a target
   * network.
   */
  public Operand<TFloat32> tau() {
    return tau;
  }

  /** std·√d of the l2-normalized projector output of view 1 (SimSiam Fig. 2). */
  public Operand<TFloat32> collapseStd() {
    return collapseStd;
  }

  /** RankMe ({@link EffectiveRank}) of the batch's encoder outputs y, first view. */
  public Operand<TFloat32> rankY() {
    return rankY;
  }

  /** RankMe of the batch's projector outputs z, first view. */
  public Operand<TFloat32> rankZ() {
    return rankZ;
  }

  /** d of y, the dimension {@link #rankY()} is read against. */
  public long rankYDim() {
    return methodGraph.representation().shape().get(1);
  }

  /** d of z. */
  public long rankZDim() {
    return methodGraph.projection().shape().get(1);
  }

  /** Run it to take one step: update, EMA, BN statistics, step increment. */
  public Op trainStep() {
    return trainStep;
  }

  public MethodGraph methodGraph() {
    return methodGraph;
  }

  /** uint8 images for {@link #evalEmbedding()}, same shape as {@link #images()}. */
  public Placeholder<TUint8> evalImages() {
    return evalImages;
  }

  /**
   * The encoder output of {@link #evalImages()} with BN in inference mode and no augmentation:
   * exactly what an export of the current weights returns as {@code embedding}.
   */
  public Operand<TFloat32> evalEmbedding() {
    return evalEmbedding;
  }

  /**
   * The batch's image indices to feed with every step, for a method with per-image state (SimSiam's
   * moving-average target); empty otherwise.
   */
  public java.util.Optional<ImageIndex> imageIndex() {
    return java.util.Optional.ofNullable(imageIndex);
  }

  /** The online linear probe, if this graph has one. */
  public java.util.Optional<OnlineProbe> probe() {
    return java.util.Optional.ofNullable(probe);
  }
}
