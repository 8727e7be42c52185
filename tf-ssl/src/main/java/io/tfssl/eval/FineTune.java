package io.tfssl.eval;

import io.tfssl.augment.Augmenter;
import io.tfssl.augment.EvalTransform;
import io.tfssl.augment.ViewPolicy;
import io.tfssl.compute.SessionConfigs;
import io.tfssl.data.Batch;
import io.tfssl.data.BatchIterator;
import io.tfssl.data.Dataset;
import io.tfssl.data.ImageSource;
import io.tfssl.data.Normalization;
import io.tfssl.data.SubsetSource;
import io.tfssl.export.EncoderWeights;
import io.tfssl.export.InferenceNetwork;
import io.tfssl.export.ModelMetadata;
import io.tfssl.features.Classification;
import io.tfssl.features.Ranking;
import io.tfssl.nn.Dense;
import io.tfssl.nn.Encoder;
import io.tfssl.nn.Mode;
import io.tfssl.nn.Net;
import io.tfssl.nn.Param;
import io.tfssl.nn.ParamKind;
import io.tfssl.nn.VarStore;
import io.tfssl.optim.ParamGrad;
import io.tfssl.optim.SgdMomentum;
import io.tfssl.optim.WarmupCosine;
import io.tfssl.train.Components;
import io.tfssl.train.Gradients;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * Semi-supervised evaluation: fine-tune the whole encoder plus a linear head on a class-balanced,
 * seeded fraction of the training labels (1% or 10%, as SimCLR §6 and BYOL Table 2 do on ImageNet),
 * then report top-1/top-5 on the test split.
 *
 * <p>The recipe follows SimCLR App. B.5 scaled to small data: SGD with momentum 0.9, no weight
 * decay, cosine-decayed learning rate, random crops and flips as the only augmentation, 60 epochs
 * of the subset for 1% of the labels and 30 for 10%. The encoder starts from the SavedModel's
 * weights (BN moving statistics included), or from the run's initial values for the random-init
 * baseline, which is then training from scratch on the same labels.
 */
public final class FineTune {
  private FineTune() {}

  /**
   * @param labelFraction fraction of the training labels used
   * @param epochs passes over the labeled subset
   * @param batchSize images per step (capped at the subset size)
   * @param learningRate peak learning rate of encoder and head
   * @param seed subset choice, head init, data order and augmentation
   * @param threads TF thread bound (0 = all cores)
   */
  public record Config(
      double labelFraction,
      int epochs,
      int batchSize,
      double learningRate,
      long seed,
      int threads) {
    public Config {
      if (!(labelFraction > 0 && labelFraction <= 1)) {
        throw new IllegalArgumentException(
            "label fraction must be in (0, 1], got " + labelFraction);
      }
      if (epochs <= 0 || batchSize <= 0 || !(learningRate > 0) || threads < 0) {
        throw new IllegalArgumentException("epochs, batch size and learning rate must be positive");
      }
    }

    /** SimCLR's epochs for the fraction (60 up to 1%, else 30), batch 64, lr 0.1. */
    public static Config defaults(double labelFraction) {
      return new Config(labelFraction, labelFraction <= 0.01 ? 60 : 30, 64, 0.1, 0, 0);
    }
  }

  /**
   * @param top1 test top-1 accuracy
   * @param top5 test top-5 accuracy
   * @param labeledImages size of the labeled subset
   * @param steps optimizer steps taken
   * @param kernels the encoder kernels' norm at the start against a fresh initialization, and the
   *     angle fine-tuning turned them through
   */
  public record Result(
      double top1,
      double top5,
      int labeledImages,
      double labelFraction,
      int epochs,
      long steps,
      boolean randomInit,
      KernelChange kernels) {}

  /** The random crops (down to half the area) and flips of SimCLR's fine-tuning. */
  public static ViewPolicy augmentation() {
    return ViewPolicy.builder()
        .cropScale(0.5f, 1f)
        .cropRatio(0.75f, 4f / 3f)
        .flipProb(0.5f)
        .jitterProb(0f)
        .grayscaleProb(0f)
        .blurProb(0f)
        .solarizeProb(0f)
        .build();
  }

  /**
   * Fine-tunes the encoder of {@code metadata}'s model.
   *
   * @param weights the SavedModel's encoder weights, or null for the random-init baseline
   * @param train the labeled training split (the subset is drawn from it)
   * @param test the test split
   */
  public static Result run(
      ModelMetadata metadata,
      EncoderWeights weights,
      ImageSource train,
      ImageSource test,
      Config config,
      Consumer<String> log) {
    int[] subset =
        LabelSubsets.balanced(
            labels(train), train.numClasses(), config.labelFraction(), config.seed());
    ImageSource labeled = new SubsetSource(train, subset);
    int batch = Math.min(config.batchSize(), labeled.size());
    Dataset data =
        Dataset.from(labeled).shuffle(config.seed()).batch(batch, true).repeat().prefetch(2);
    long perEpoch = data.batchesPerEpoch();
    long totalSteps = perEpoch * config.epochs();
    int numClasses = train.numClasses();
    Encoder encoder = Components.encoder(metadata.config(), metadata.modelSize());
    Normalization norm = Components.normalization(metadata.config());
    long[] hwc = {train.height(), train.width(), train.channels()};
    if (hwc[0] != metadata.height()
        || hwc[1] != metadata.width()
        || hwc[2] != metadata.channels()) {
      throw new IllegalArgumentException(
          "fine-tuning needs images of the model's input shape "
              + metadata.height()
              + "x"
              + metadata.width()
              + "x"
              + metadata.channels()
              + "; "
              + train.name()
              + " has "
              + hwc[0]
              + "x"
              + hwc[1]
              + "x"
              + hwc[2]);
    }
    log.accept(
        String.format(
            "fine-tuning on %d labeled images (%.3g%% of %d, class-balanced,"
                + " seed %d), %d epochs, %d steps%s",
            labeled.size(),
            100 * config.labelFraction(),
            train.size(),
            config.seed(),
            config.epochs(),
            totalSteps,
            weights == null ? ", from random init" : ""));

    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TInt64> step = tf.withName("step").variable(tf.constant(0L));
      Placeholder<TUint8> images =
          tf.withName("images")
              .placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, hwc[0], hwc[1], hwc[2])));
      Placeholder<TInt32> labels =
          tf.withName("labels").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      Operand<TInt64> seed = tf.stack(List.of(tf.constant(config.seed()), tf.identity(step)));
      int size = metadata.modelSize();
      Operand<TFloat32> view =
          Augmenter.view(
              tf.withSubScope("augment"), images, seed, augmentation(), size, size, norm);
      view = tf.reshape(view, tf.constant(new long[] {-1, size, size, hwc[2]}));

      // The same variable names as the exported encoder, so its weights load by name.
      VarStore network = VarStore.trainable(tf, InferenceNetwork.ONLINE, metadata.config().seed());
      VarStore head = VarStore.trainable(tf, "classifier", config.seed());
      Operand<TFloat32> logits =
          Dense.apply(
              Net.of(head, Mode.TRAIN).child("linear"),
              encoder.apply(Net.of(network, Mode.TRAIN).child("encoder"), view),
              numClasses,
              true);
      Operand<TFloat32> loss = Classification.crossEntropy(tf, logits, labels, numClasses);

      List<Param> params = new ArrayList<>(network.params());
      params.addAll(head.params());
      Output<?>[] xs = params.stream().map(p -> p.variable().asOutput()).toArray(Output[]::new);
      Output<?>[] grads = Gradients.of(g, loss, xs);
      Ops opt = tf.withSubScope("optimizer");
      Operand<TFloat32> lr = new WarmupCosine(config.learningRate(), 0, totalSteps).at(opt, step);
      List<ParamGrad> pg = ParamGrad.zip(params, grads, p -> lr);
      Op update = new SgdMomentum(0.9, 0, false).apply(opt, pg, "update");
      List<Op> after = new ArrayList<>(network.statisticsUpdates());
      after.add(update);
      Ops last = tf.withControlDependencies(after);
      Op trainStep =
          tf.withControlDependencies(List.of(last.assignAdd(step, last.constant(1L)))).noOp();

      // Test-time branch: BN in inference mode, the same variables.
      Placeholder<TUint8> testImages =
          tf.withName("test_images")
              .placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, hwc[0], hwc[1], hwc[2])));
      Operand<TFloat32> testLogits =
          Dense.apply(
              Net.of(head, Mode.INFERENCE).child("linear"),
              encoder.apply(
                  Net.of(network, Mode.INFERENCE).child("encoder"),
                  EvalTransform.apply(
                      tf.withSubScope("test_preprocess"), testImages, size, size, norm)),
              numClasses,
              true);
      EncoderWeights.Assignment load = weights == null ? null : weights.prepare(tf, network);

      Map<String, Variable<TFloat32>> kernels = new LinkedHashMap<>();
      for (Param p : network.params()) {
        if (p.kind() == ParamKind.WEIGHT) {
          kernels.put(p.name(), p.variable());
        }
      }

      try (Session s = new Session(g, SessionConfigs.training(config.threads()))) {
        s.initialize();
        KernelChange.Start start = loadWeights(s, kernels, load);
        if (load != null) {
          double scale = start.scale();
          if (scale > KernelChange.LARGE_SCALE) {
            log.accept(
                String.format(
                    "note: the encoder's kernels start at %.1fx the norm of a fresh"
                        + " initialization; behind batch norm this lr turns them about %.0fx"
                        + " less than from scratch (KernelChange): consider a higher --lr",
                    scale, scale * scale));
          }
        }
        long t0 = System.nanoTime();
        try (BatchIterator it = data.iterator()) {
          for (long k = 0; k < totalSteps; k++) {
            try (Batch b = it.next();
                TInt32 y = TInt32.vectorOf(b.labels());
                org.tensorflow.Result r =
                    s.runner()
                        .feed(images, b.images())
                        .feed(labels, y)
                        .addTarget(trainStep)
                        .fetch(loss)
                        .run()) {
              float l = ((TFloat32) r.get(0)).getFloat();
              if (!Float.isFinite(l)) {
                throw new IllegalStateException(
                    "fine-tuning loss is "
                        + l
                        + " at step "
                        + k
                        + "; lower the learning rate (--lr)");
              }
              if ((k + 1) % perEpoch == 0 && ((k + 1) / perEpoch) % 10 == 0) {
                log.accept(
                    String.format(
                        "  epoch %d/%d loss %.4f (%.0f s)",
                        (k + 1) / perEpoch, config.epochs(), l, (System.nanoTime() - t0) / 1e9));
              }
            }
          }
        }
        KernelChange change = start.to(snapshot(s, kernels));
        log.accept(
            String.format(
                "encoder kernels: %.2fx the norm of a fresh initialization at the start;"
                    + " fine-tuning turned them %.1f degrees",
                change.scale(), change.turnDegrees()));
        double[] acc = testAccuracy(s, testImages, testLogits, test);
        return new Result(
            acc[0],
            acc[1],
            labeled.size(),
            config.labelFraction(),
            config.epochs(),
            totalSteps,
            weights == null,
            change);
      }
    }
  }

  /**
   * Measures the freshly initialized kernels, then loads the pretrained weights (when {@code load}
   * is given) and returns the kernels fine-tuning starts from. The initialization's copy is dropped
   * here, once its norms are taken.
   */
  private static KernelChange.Start loadWeights(
      Session s, Map<String, Variable<TFloat32>> kernels, EncoderWeights.Assignment load) {
    Map<String, float[]> init = snapshot(s, kernels);
    if (load == null) {
      return KernelChange.start(init, init);
    }
    load.run(s);
    return KernelChange.start(init, snapshot(s, kernels));
  }

  /** The kernels' current values, copied out of the session. */
  private static Map<String, float[]> snapshot(Session s, Map<String, Variable<TFloat32>> kernels) {
    Session.Runner r = s.runner();
    kernels.values().forEach(r::fetch);
    Map<String, float[]> out = new LinkedHashMap<>();
    try (org.tensorflow.Result values = r.run()) {
      int i = 0;
      for (String name : kernels.keySet()) {
        TFloat32 t = (TFloat32) values.get(i++);
        float[] v = new float[(int) t.size()];
        t.copyTo(DataBuffers.of(v, false, false));
        out.put(name, v);
      }
    }
    return out;
  }

  private static int[] labels(ImageSource source) {
    int[] y = new int[source.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = source.label(i);
    }
    return y;
  }

  /** {top-1, top-5} of the inference branch over the whole test split. */
  private static double[] testAccuracy(
      Session s, Placeholder<TUint8> images, Operand<TFloat32> logits, ImageSource test) {
    int c = test.numClasses();
    int k = Math.min(5, c);
    long top1 = 0;
    long top5 = 0;
    try (BatchIterator it = Dataset.from(test).batch(500, false).prefetch(2).iterator()) {
      while (it.hasNext()) {
        try (Batch b = it.next();
            org.tensorflow.Result r = s.runner().feed(images, b.images()).fetch(logits).run()) {
          float[] out = new float[b.size() * c];
          ((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
          long[] hits = Ranking.hits(out, b.size(), c, b.labels(), 0, k);
          top1 += hits[0];
          top5 += hits[1];
        }
      }
    }
    return new double[] {(double) top1 / test.size(), (double) top5 / test.size()};
  }
}
