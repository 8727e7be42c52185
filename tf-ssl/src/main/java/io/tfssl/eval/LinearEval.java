package io.tfssl.eval;

import io.tfssl.compute.SessionConfigs;
import io.tfssl.features.Classification;
import io.tfssl.features.Features;
import io.tfssl.features.Ranking;
import io.tfssl.features.Standardizer;
import io.tfssl.nn.Param;
import io.tfssl.nn.ParamKind;
import io.tfssl.optim.ParamGrad;
import io.tfssl.optim.SgdMomentum;
import io.tfssl.train.Gradients;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
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

/**
 * Linear evaluation of frozen features, the standard protocol of the self-supervised papers (SimCLR
 * §4 and App. B.8; SimSiam App. D; MoCo v3 §4): a softmax linear classifier is trained on the
 * frozen training features and its accuracy on the test features is reported.
 *
 * <p>The procedure of {@link #evaluate}:
 *
 * <ol>
 *   <li>Split the training set into a train part and a stratified validation part ({@link
 *       LabelSubsets#trainValidationSplit}, {@link Config#validationFraction()}, seeded).
 *   <li>For every learning rate of {@link Config#learningRates()} and every length of {@link
 *       Config#epochs()}: standardize with the train part's statistics ({@link Standardizer}, the
 *       BN-without-affine of SimSiam App. D), train a classifier on the train part, measure top-1
 *       on the validation part.
 *   <li>Choose the (rate, epochs) pair with the best validation top-1 (the first in grid order on
 *       ties: rates outer, epochs inner). The test set plays no part in this choice (SimCLR App.
 *       B.8, after Kornblith et al. 2019: tune on a validation split, then retrain on all training
 *       data).
 *   <li>Standardize with the full training set's statistics, retrain on all of it with the chosen
 *       pair, report top-1 and top-5 on the test set.
 * </ol>
 *
 * <p>Training: weights and biases start at zero (the problem is convex, so the start only matters
 * for speed; zero makes runs deterministic); loss {@code mean(-sum(onehot * logSoftmax(xW + b)))}
 * (dense cross-entropy, since {@code SparseSoftmaxCrossEntropyWithLogits} has no gradient in TF
 * Java, docs/tensorflow-java.md §1); mini-batch SGD with momentum {@link #MOMENTUM} ({@link
 * SgdMomentum}, weight decay on W only), learning rate decayed per step with a cosine schedule to 0
 * (SimSiam App. D), the training order reshuffled every epoch by a generator seeded with {@link
 * Config#seed()} (the same order for every candidate rate, so they are compared on equal footing).
 * The last, smaller batch of an epoch is kept.
 */
public final class LinearEval {
  /** Momentum of the classifier's SGD, as in SimSiam App. D and MoCo v3. */
  public static final double MOMENTUM = 0.9;

  /** Rows per session call when computing logits of a whole set. */
  private static final int PREDICT_CHUNK = 8192;

  private LinearEval() {}

  /**
   * Settings of {@link #evaluate}.
   *
   * @param learningRates candidate base learning rates (before cosine decay), each positive and
   *     finite, at least one; tried in this order
   * @param epochs candidate numbers of passes over the training data, each at least 1, at least
   *     one; the cosine schedule spans the whole run of each
   * @param batchSize examples per SGD step, at least 1
   * @param weightDecay L2 coefficient on W (not on b), at least 0
   * @param validationFraction share of every class held out for choosing the rate, in (0, 1)
   * @param seed seeds the validation split and the per-epoch shuffles
   * @param threads bounds TF's thread pools ({@link SessionConfigs#training}); 0 = all cores
   */
  public record Config(
      double[] learningRates,
      int[] epochs,
      int batchSize,
      double weightDecay,
      double validationFraction,
      long seed,
      int threads) {

    /**
     * The default rate grid {0.01, 0.03, 0.1, 0.3, 1.0}: a 3x log grid around 0.1. On standardized
     * inputs every feature has unit variance, so each entry of the gradient of the cross-entropy
     * w.r.t. W is bounded by about |x_j| ~ 1 per example and the classifier needs weights of order
     * 0.1-1 per dimension; with momentum 0.9 (effective step 10x the rate) and a few thousand
     * steps, 0.01 is on the slow side and 1.0 on the noisy side of that, and validation picks the
     * best in between for the feature at hand.
     */
    public static final double[] DEFAULT_LEARNING_RATES = {0.01, 0.03, 0.1, 0.3, 1.0};

    /**
     * The default epoch grid {10, 30}: a short run, which stops early the way a regularizer would,
     * and a long one; validation decides.
     */
    public static final int[] DEFAULT_EPOCHS = {10, 30};

    /** Validates every field and copies the rate grid. */
    public Config {
      Objects.requireNonNull(learningRates, "learningRates");
      if (learningRates.length == 0) {
        throw new IllegalArgumentException("learningRates must not be empty");
      }
      learningRates = learningRates.clone();
      for (double lr : learningRates) {
        if (!(lr > 0.0 && Double.isFinite(lr))) {
          throw new IllegalArgumentException("learning rates must be positive and finite: " + lr);
        }
      }
      Objects.requireNonNull(epochs, "epochs");
      if (epochs.length == 0) {
        throw new IllegalArgumentException("epochs must not be empty");
      }
      epochs = epochs.clone();
      for (int e : epochs) {
        if (e < 1) {
          throw new IllegalArgumentException("epochs must be >= 1: " + e);
        }
      }
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be >= 1: " + batchSize);
      }
      if (!(weightDecay >= 0.0 && Double.isFinite(weightDecay))) {
        throw new IllegalArgumentException("weightDecay must be >= 0: " + weightDecay);
      }
      if (!(validationFraction > 0.0 && validationFraction < 1.0)) {
        throw new IllegalArgumentException(
            "validationFraction must be in (0, 1): " + validationFraction);
      }
      if (threads < 0) {
        throw new IllegalArgumentException("threads must be >= 0 (0 = all cores): " + threads);
      }
    }

    /**
     * {@link #DEFAULT_LEARNING_RATES} × {@link #DEFAULT_EPOCHS}, batch 256, no weight decay, 10%
     * validation, seed 0, all cores.
     */
    public static Config defaults() {
      return new Config(DEFAULT_LEARNING_RATES, DEFAULT_EPOCHS, 256, 0.0, 0.1, 0L, 0);
    }

    /** A copy of the epoch grid. */
    @Override
    public int[] epochs() {
      return epochs.clone();
    }

    /** A copy of the rate grid. */
    @Override
    public double[] learningRates() {
      return learningRates.clone();
    }

    /** This config with another rate grid. */
    public Config withLearningRates(double... rates) {
      return new Config(rates, epochs, batchSize, weightDecay, validationFraction, seed, threads);
    }

    /** This config with another epoch grid. */
    public Config withEpochs(int... n) {
      return new Config(
          learningRates, n, batchSize, weightDecay, validationFraction, seed, threads);
    }

    /** This config with another seed. */
    public Config withSeed(long s) {
      return new Config(
          learningRates, epochs, batchSize, weightDecay, validationFraction, s, threads);
    }

    /** This config with another thread bound. */
    public Config withThreads(int t) {
      return new Config(learningRates, epochs, batchSize, weightDecay, validationFraction, seed, t);
    }
  }

  /**
   * Outcome of {@link #evaluate}.
   *
   * @param top1 test top-1 accuracy of the classifier retrained on the full training set, in [0, 1]
   * @param top5 test top-5 accuracy: the label is among the 5 highest logits; with fewer than 5
   *     classes it is top-k with {@code k = numClasses} (so 1.0)
   * @param k the k of {@code top5}: {@code min(5, numClasses)}
   * @param chosenLearningRate the rate of the pair with the best validation top-1
   * @param chosenEpochs the epochs of that pair
   * @param learningRates the rate of each candidate pair, in the order tried
   * @param candidateEpochs the epochs of each candidate pair, parallel to {@code learningRates}
   * @param validationTop1 validation top-1 of each candidate pair, parallel to {@code
   *     learningRates}
   * @param trainSize examples in the train part used for selection
   * @param validationSize examples in the validation part
   * @param testSize examples in the test set
   */
  public record Result(
      double top1,
      double top5,
      int k,
      double chosenLearningRate,
      int chosenEpochs,
      double[] learningRates,
      int[] candidateEpochs,
      double[] validationTop1,
      int trainSize,
      int validationSize,
      int testSize) {

    /** Copies the arrays. */
    public Result {
      learningRates = learningRates.clone();
      candidateEpochs = candidateEpochs.clone();
      validationTop1 = validationTop1.clone();
    }

    /** A copy of the epochs of each candidate pair. */
    @Override
    public int[] candidateEpochs() {
      return candidateEpochs.clone();
    }

    /** A copy of the rate of each candidate pair. */
    @Override
    public double[] learningRates() {
      return learningRates.clone();
    }

    /** A copy of the validation top-1 of each candidate rate. */
    @Override
    public double[] validationTop1() {
      return validationTop1.clone();
    }

    /** One line for logs. */
    public String summary() {
      StringBuilder sb =
          new StringBuilder(
              String.format(
                  "linear eval: test top-1 %.4f, top-%d %.4f, lr %s, %d epochs (val top-1:",
                  top1, k, top5, chosenLearningRate, chosenEpochs));
      for (int i = 0; i < learningRates.length; i++) {
        sb.append(
            String.format(" %s/%d=%.4f", learningRates[i], candidateEpochs[i], validationTop1[i]));
      }
      return sb.append(
              String.format("), train/val/test %d/%d/%d", trainSize, validationSize, testSize))
          .toString();
    }
  }

  /** {@link #evaluate(Features, Features, Config, Consumer)} without progress lines. */
  public static Result evaluate(Features train, Features test, Config config) {
    return evaluate(train, test, config, null);
  }

  /**
   * Chooses the learning rate on a validation split of {@code train}, retrains on all of {@code
   * train} and reports accuracy on {@code test} (see the class comment).
   *
   * @param progress receives one line per trained classifier; may be null
   * @throws IllegalArgumentException if the sets disagree on dim or numClasses, {@code test} is
   *     empty, or the split leaves the validation part empty (too few examples per class)
   */
  public static Result evaluate(
      Features train, Features test, Config config, Consumer<String> progress) {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(test, "test");
    Objects.requireNonNull(config, "config");
    Consumer<String> log = progress == null ? s -> {} : progress;
    if (train.dim() != test.dim() || train.numClasses() != test.numClasses()) {
      throw new IllegalArgumentException(
          "train is ["
              + train.dim()
              + " dims, "
              + train.numClasses()
              + " classes] but test is ["
              + test.dim()
              + " dims, "
              + test.numClasses()
              + " classes]");
    }
    if (test.count() == 0) {
      throw new IllegalArgumentException("test set is empty");
    }
    int[][] split =
        LabelSubsets.trainValidationSplit(
            train.labels(), train.numClasses(), config.validationFraction(), config.seed());
    if (split[1].length == 0) {
      throw new IllegalArgumentException(
          "validation split of "
              + train.count()
              + " training examples is empty; need more examples per class or a larger fraction");
    }
    Features trainPart = train.subset(split[0]);
    Features valPart = train.subset(split[1]);
    Standardizer partStats = Standardizer.fit(trainPart);
    Features trainPartStd = partStats.apply(trainPart);
    Features valStd = partStats.apply(valPart);

    double[] rates = config.learningRates();
    int[] lengths = config.epochs();
    int pairs = rates.length * lengths.length;
    double[] lrs = new double[pairs];
    int[] epochs = new int[pairs];
    double[] valTop1 = new double[pairs];
    int k = Math.min(5, train.numClasses());
    try (Probe probe = new Probe(train.dim(), train.numClasses(), config)) {
      int best = 0;
      for (int i = 0; i < pairs; i++) {
        lrs[i] = rates[i / lengths.length];
        epochs[i] = lengths[i % lengths.length];
        long t0 = System.nanoTime();
        float loss = probe.fit(trainPartStd, lrs[i], epochs[i]);
        valTop1[i] = probe.accuracy(valStd, 1)[0];
        log.accept(
            String.format(
                "linear eval: lr %s, %d epochs: last batch loss %.4f," + " val top-1 %.4f (%.1f s)",
                lrs[i], epochs[i], loss, valTop1[i], (System.nanoTime() - t0) / 1e9));
        if (valTop1[i] > valTop1[best]) {
          best = i;
        }
      }
      Standardizer stats = Standardizer.fit(train);
      long t0 = System.nanoTime();
      float loss = probe.fit(stats.apply(train), lrs[best], epochs[best]);
      double[] acc = probe.accuracy(stats.apply(test), k);
      log.accept(
          String.format(
              "linear eval: retrained on all %d with lr %s, %d epochs: last batch"
                  + " loss %.4f, test top-1 %.4f, top-%d %.4f (%.1f s)",
              train.count(),
              lrs[best],
              epochs[best],
              loss,
              acc[0],
              k,
              acc[1],
              (System.nanoTime() - t0) / 1e9));
      return new Result(
          acc[0],
          acc[1],
          k,
          lrs[best],
          epochs[best],
          lrs,
          epochs,
          valTop1,
          trainPart.count(),
          valPart.count(),
          test.count());
    }
  }

  /**
   * The classifier graph and its session, reused for every candidate rate: {@link #fit} first
   * re-runs all initializers, which zeroes W, b and the momentum slots.
   */
  private static final class Probe implements AutoCloseable {
    private final Graph graph;
    private final Session session;
    private final Config config;
    private final int dim;
    private final int numClasses;
    private final Placeholder<TFloat32> x;
    private final Placeholder<TInt32> y;
    private final Placeholder<TFloat32> lr;
    private final Operand<TFloat32> logits;
    private final Operand<TFloat32> loss;
    private final Op train;

    Probe(int dim, int numClasses, Config config) {
      this.dim = dim;
      this.numClasses = numClasses;
      this.config = config;
      graph = new Graph();
      try {
        Ops tf = Ops.create(graph);
        x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, dim)));
        y = tf.withName("y").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
        lr = tf.withName("lr").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        Ops init = tf.withInitScope();
        Variable<TFloat32> w =
            tf.withName("w")
                .variable(init.zeros(init.constant(new long[] {dim, numClasses}), TFloat32.class));
        Variable<TFloat32> b =
            tf.withName("b")
                .variable(init.zeros(init.constant(new long[] {numClasses}), TFloat32.class));
        // Read through Identity (docs/tensorflow-java.md §1 Trap A).
        logits =
            tf.withName("logits").nn.biasAdd(tf.linalg.matMul(x, tf.identity(w)), tf.identity(b));
        loss = tf.withName("loss").identity(Classification.crossEntropy(tf, logits, y, numClasses));
        List<Param> params =
            List.of(new Param("w", w, ParamKind.WEIGHT), new Param("b", b, ParamKind.BIAS));
        Output<?>[] grads = Gradients.of(graph, loss, new Output<?>[] {w.asOutput(), b.asOutput()});
        List<ParamGrad> pgs = ParamGrad.zip(params, grads, p -> lr);
        train = new SgdMomentum(MOMENTUM, config.weightDecay(), false).apply(tf, pgs, "train");
        session = new Session(graph, SessionConfigs.training(config.threads()));
      } catch (RuntimeException e) {
        graph.close();
        throw e;
      }
    }

    /**
     * Trains from zero on {@code f} (already standardized) with base rate {@code baseLr}; returns
     * the loss of the last batch.
     */
    float fit(Features f, double baseLr, int numEpochs) {
      session.forceInitialize();
      int n = f.count();
      int bs = config.batchSize();
      int stepsPerEpoch = (n + bs - 1) / bs;
      long totalSteps = (long) stepsPerEpoch * numEpochs;
      int[] order = new int[n];
      Arrays.setAll(order, i -> i);
      SplittableRandom rng = new SplittableRandom(config.seed());
      float[] src = f.data();
      int[] labels = f.labels();
      float[] xb = new float[bs * dim];
      int[] yb = new int[bs];
      float lastLoss = Float.NaN;
      long step = 0;
      for (int epoch = 0; epoch < numEpochs; epoch++) {
        for (int i = n - 1; i > 0; i--) {
          int j = rng.nextInt(i + 1);
          int t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
        for (int s = 0; s < stepsPerEpoch; s++, step++) {
          int start = s * bs;
          int rows = Math.min(bs, n - start);
          float[] xs = rows == bs ? xb : new float[rows * dim];
          int[] ys = rows == bs ? yb : new int[rows];
          for (int r = 0; r < rows; r++) {
            int idx = order[start + r];
            System.arraycopy(src, idx * dim, xs, r * dim, dim);
            ys[r] = labels[idx];
          }
          // Cosine decay to 0 over all steps (SimSiam App. D), evaluated per step.
          double rate = baseLr * 0.5 * (1.0 + Math.cos(Math.PI * step / totalSteps));
          boolean last = step == totalSteps - 1;
          try (TFloat32 xt =
                  TFloat32.tensorOf(Shape.of(rows, dim), DataBuffers.of(xs, true, false));
              TInt32 yt = TInt32.tensorOf(Shape.of(rows), DataBuffers.of(ys, true, false));
              TFloat32 lrt = TFloat32.scalarOf((float) rate)) {
            Session.Runner runner =
                session.runner().feed(x, xt).feed(y, yt).feed(lr, lrt).addTarget(train);
            if (last) {
              runner.fetch(loss);
            }
            try (org.tensorflow.Result r = runner.run()) {
              if (last) {
                lastLoss = ((TFloat32) r.get(0)).getFloat();
              }
            }
          }
        }
      }
      return lastLoss;
    }

    /** {top-1, top-k} accuracy of the current classifier on {@code f} (already standardized). */
    double[] accuracy(Features f, int k) {
      long[] hits = new long[2];
      float[] src = f.data();
      for (int start = 0; start < f.count(); start += PREDICT_CHUNK) {
        int rows = Math.min(PREDICT_CHUNK, f.count() - start);
        float[] xs = new float[rows * dim];
        System.arraycopy(src, start * dim, xs, 0, rows * dim);
        float[] out = new float[rows * numClasses];
        try (TFloat32 xt = TFloat32.tensorOf(Shape.of(rows, dim), DataBuffers.of(xs, true, false));
            org.tensorflow.Result r = session.runner().feed(x, xt).fetch(logits).run()) {
          ((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
        }
        long[] h = Ranking.hits(out, rows, numClasses, f.labels(), start, k);
        hits[0] += h[0];
        hits[1] += h[1];
      }
      return new double[] {(double) hits[0] / f.count(), (double) hits[1] / f.count()};
    }

    @Override
    public void close() {
      try {
        session.close();
      } finally {
        graph.close();
      }
    }
  }
}
