package io.tfssl.bench.repro;

import io.tfssl.augment.ViewPolicy;
import io.tfssl.method.PredictorMode;
import io.tfssl.method.SimSiamConfig;
import io.tfssl.method.Similarity;
import io.tfssl.method.Symmetry;
import io.tfssl.nn.HeadBn;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.PretrainConfig.ScheduleKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The lecture's tables (SimSiam: Chen and He 2021; BYOL: Grill et al. 2020), each as rows of
 * changes to a method's recipe. The bracketed numbers are the papers' ImageNet linear top-1, given
 * for orientation only: at this scale we reproduce the direction of each comparison and which rows
 * collapse, not the values.
 */
public final class ReproTables {
  private ReproTables() {}

  /** Every table, in the order of the issue and the README. */
  public static List<ReproTable> all() {
    return List.of(
        stopGradient(),
        predictor(),
        headBn(),
        similaritySymmetry(),
        batchSize(),
        byolBootstrap(),
        emHypothesis(),
        methods(),
        batchRobustness(),
        augmentRemoval());
  }

  /** The table called {@code name}. */
  public static Optional<ReproTable> named(String name) {
    return all().stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** The names, for help texts and errors. */
  public static List<String> names() {
    return all().stream().map(ReproTable::name).toList();
  }

  private static UnaryOperator<PretrainConfig> simsiam(UnaryOperator<SimSiamConfig> change) {
    return c -> c.toBuilder().simsiam(change.apply(c.simsiam())).build();
  }

  /** SimSiam §4.1, Fig. 2: without the stop-gradient the representation collapses at once. */
  static ReproTable stopGradient() {
    return new ReproTable(
        "stop-gradient",
        "SimSiam with and without stop-gradient",
        "SimSiam (Chen and He 2021) §4.1, Fig. 2",
        "simsiam",
        false,
        true,
        false,
        s ->
            List.of(
                Variant.of("w/ stop-grad", "67.7", UnaryOperator.identity()),
                Variant.of("w/o stop-grad", "0.1", simsiam(x -> x.withStopGradient(false)))),
        "./tfssl bench table stop-gradient --preset simsiam-paper --dataset tfrecord"
            + " --data-dir IMAGENET_TFRECORDS --epochs 100 --knn-bank 50000");
  }

  /** SimSiam Table 1: the predictor h. */
  static ReproTable predictor() {
    return new ReproTable(
        "predictor",
        "SimSiam's predictor: MLP, none, fixed, lr not decayed",
        "SimSiam Table 1",
        "simsiam",
        true,
        false,
        false,
        s ->
            List.of(
                Variant.of(
                    "MLP, lr with cosine decay",
                    "67.7",
                    simsiam(x -> x.withPredictorFixedLr(false))),
                Variant.of(
                    "no predictor", "0.1", simsiam(x -> x.withPredictor(PredictorMode.NONE))),
                Variant.of(
                    "fixed random init", "1.5", simsiam(x -> x.withPredictor(PredictorMode.FIXED))),
                Variant.of(
                    "MLP, lr not decayed", "68.1", simsiam(x -> x.withPredictorFixedLr(true)))),
        "./tfssl bench table predictor --preset simsiam-paper --dataset tfrecord"
            + " --data-dir IMAGENET_TFRECORDS --epochs 100");
  }

  /** SimSiam Table 4: batch norm in the projector and predictor MLPs. */
  static ReproTable headBn() {
    return new ReproTable(
        "head-bn",
        "Batch norm in SimSiam's heads",
        "SimSiam Table 4",
        "simsiam",
        true,
        false,
        false,
        s ->
            List.of(
                Variant.of("(a) none", "34.6", simsiam(x -> x.withHeadBn(HeadBn.NONE))),
                Variant.of("(b) hidden only", "67.4", simsiam(x -> x.withHeadBn(HeadBn.HIDDEN))),
                Variant.of(
                    "(c) hidden + output (default)",
                    "68.1",
                    simsiam(x -> x.withHeadBn(HeadBn.HIDDEN_OUTPUT))),
                Variant.of(
                    "(d) all, predictor output too",
                    "unstable",
                    simsiam(x -> x.withHeadBn(HeadBn.ALL)))),
        "./tfssl bench table head-bn --preset simsiam-paper --dataset tfrecord"
            + " --data-dir IMAGENET_TFRECORDS --epochs 100");
  }

  /** SimSiam Table 5: similarity function and loss symmetry. */
  static ReproTable similaritySymmetry() {
    return new ReproTable(
        "similarity-symmetry",
        "Similarity function and loss symmetry",
        "SimSiam Table 5",
        "simsiam",
        true,
        false,
        false,
        s ->
            List.of(
                Variant.of("cosine, symmetric (default)", "68.1", UnaryOperator.identity()),
                Variant.of(
                    "cross-entropy, symmetric",
                    "63.2",
                    simsiam(x -> x.withSimilarity(Similarity.CROSS_ENTROPY))),
                Variant.of(
                    "cosine, asymmetric",
                    "64.8",
                    simsiam(x -> x.withSymmetry(Symmetry.ASYMMETRIC))),
                Variant.of(
                    "cosine, asymmetric 2x",
                    "67.3",
                    simsiam(x -> x.withSymmetry(Symmetry.ASYMMETRIC_2X)))),
        "./tfssl bench table similarity-symmetry --preset simsiam-paper --dataset tfrecord"
            + " --data-dir IMAGENET_TFRECORDS --epochs 100");
  }

  /**
   * SimSiam Table 2: batch size with plain SGD, lr = base·B/256. Every row sees the same number of
   * images (the scale's steps × batch), as the paper's rows see the same epochs.
   */
  static ReproTable batchSize() {
    return new ReproTable(
        "batch-size",
        "Batch size with SGD (equal images seen)",
        "SimSiam Table 2",
        "simsiam",
        true,
        false,
        false,
        s -> {
          List<Variant> rows = new ArrayList<>();
          String[] paper = {"66.1", "67.3", "68.1", "68.1", "68.0"};
          int[] sizes = {64, 128, 256, 512, 1024};
          for (int i = 0; i < sizes.length; i++) {
            int b = s.name().equals("quick") ? Math.max(2, sizes[i] / 16) : sizes[i];
            long steps = Math.max(1, s.images() / b);
            // At a small image budget the largest batch gets few steps: say so in the row.
            String label =
                "batch "
                    + b
                    + (steps < 50 ? " (" + steps + (steps == 1 ? " step)" : " steps)") : "");
            rows.add(
                Variant.of(
                    label,
                    paper[i],
                    c -> c.toBuilder().batchSize(b).steps(c.steps() > 0 ? steps : 0).build()));
          }
          return rows;
        },
        "./tfssl bench table batch-size --preset simsiam-paper --dataset tfrecord"
            + " --data-dir IMAGENET_TFRECORDS --epochs 100 (rows 64..1024; the paper also has"
            + " 2048)");
  }

  private static UnaryOperator<PretrainConfig> tau(double base, ScheduleKind schedule) {
    return c -> c.toBuilder().tauBase(base).tauSchedule(schedule).build();
  }

  /**
   * BYOL §3.3 and Table 5a: what the bootstrap adds. A random encoder; the online network trained
   * to predict a fixed random target (τ = 1); BYOL's EMA target; and a τ sweep.
   */
  static ReproTable byolBootstrap() {
    return new ReproTable(
        "byol-bootstrap",
        "BYOL's bootstrap: random, fixed and EMA targets",
        "BYOL (Grill et al. 2020) §3.3, Table 5a",
        "byol",
        true,
        false,
        false,
        s ->
            List.of(
                Variant.randomInit("random encoder (untrained)", "1.4"),
                Variant.of("fixed random target, τ = 1", "18.8", tau(1.0, ScheduleKind.CONSTANT)),
                Variant.of(
                    "EMA target, τ 0.99 → 1 (cosine, the recipe)",
                    "",
                    tau(0.99, ScheduleKind.COSINE)),
                Variant.of("τ = 0 (target = online)", "", tau(0.0, ScheduleKind.CONSTANT)),
                Variant.of("τ = 0.9", "", tau(0.9, ScheduleKind.CONSTANT)),
                Variant.of("τ = 0.99", "", tau(0.99, ScheduleKind.CONSTANT)),
                Variant.of("τ = 0.999", "", tau(0.999, ScheduleKind.CONSTANT))),
        "./tfssl bench table byol-bootstrap --preset byol-paper --dataset tfrecord"
            + " --data-dir IMAGENET_TFRECORDS --epochs 300");
  }

  /**
   * SimSiam §5: the EM hypothesis. Multi-step alternation (the target refreshed every k steps) and
   * the predictor replaced by a per-image moving average of the target.
   */
  static ReproTable emHypothesis() {
    return new ReproTable(
        "em-hypothesis",
        "SimSiam as alternation (EM hypothesis)",
        "SimSiam §5, Table in \"Multi-step alternation\" and \"Predictor\"",
        "simsiam",
        true,
        false,
        false,
        s -> {
          long quarter = Math.max(2, s.steps() / 4);
          return List.of(
              Variant.of("k = 1 (SimSiam)", "68.1", simsiam(x -> x.withAlternationSteps(1))),
              Variant.of("k = 10", "68.7", simsiam(x -> x.withAlternationSteps(10))),
              Variant.of("k = 100", "68.9", simsiam(x -> x.withAlternationSteps(100))),
              Variant.of(
                  "k = " + quarter + " (a quarter of this run; the paper's row is 1 epoch)",
                  "67.0",
                  simsiam(x -> x.withAlternationSteps((int) quarter))),
              Variant.of(
                  "predictor: per-image moving average, m = 0.8",
                  "55.0",
                  simsiam(
                      x ->
                          x.withPredictor(PredictorMode.MOVING_AVERAGE)
                              .withPredictorMomentum(0.8))),
              Variant.of(
                  "predictor: none", "0.1", simsiam(x -> x.withPredictor(PredictorMode.NONE))),
              Variant.of("predictor: MLP (SimSiam)", "68.1", UnaryOperator.identity()));
        },
        "./tfssl bench table em-hypothesis --preset simsiam-paper --dataset tfrecord"
            + " --data-dir IMAGENET_TFRECORDS --epochs 100");
  }

  /** The batch sizes of the robustness table, largest first as in BYOL's Fig. 3a. */
  static final int[] ROBUSTNESS_BATCHES = {512, 256, 128, 64};

  /**
   * BYOL §5, Fig. 3a: BYOL keeps its accuracy as the batch shrinks (down to 256 on ImageNet) while
   * SimCLR's falls, because SimCLR's negatives come from the batch. Both methods' recipes over the
   * same batch sizes, every run seeing the same images (the scale's budget), lr scaled with the
   * batch as each recipe does.
   */
  static ReproTable batchRobustness() {
    return new ReproTable(
        "batch-robustness",
        "BYOL against SimCLR as the batch shrinks (equal images seen)",
        "BYOL (Grill et al. 2020) §5, Fig. 3a",
        "byol",
        true,
        false,
        false,
        s -> {
          List<Variant> rows = new ArrayList<>();
          for (String method : List.of("byol", "simclr")) {
            for (int size : ROBUSTNESS_BATCHES) {
              int b = s.name().equals("quick") ? Math.max(2, size / 32) : size;
              long steps = Math.max(1, s.images() / b);
              rows.add(
                  new Variant(
                      method + ", batch " + b,
                      "",
                      method,
                      c -> c.toBuilder().batchSize(b).steps(c.steps() > 0 ? steps : 0).build(),
                      true));
            }
          }
          return rows;
        },
        "./tfssl bench table batch-robustness --preset byol-paper --dataset tfrecord"
            + " --data-dir IMAGENET_TFRECORDS --epochs 300 (the paper: 4096 down to 128)");
  }

  /** Both views' augmentation changed by {@code change}. */
  private static UnaryOperator<PretrainConfig> views(UnaryOperator<ViewPolicy> change) {
    return c -> c.toBuilder().view1(change.apply(c.view1())).view2(change.apply(c.view2())).build();
  }

  /**
   * BYOL §5, Fig. 3b: removing augmentations hurts SimCLR far more than BYOL; without colour
   * distortion SimCLR can tell views apart by their colour histogram. Fashion-MNIST is grayscale,
   * so the analogue of colour distortion is the intensity jitter (brightness and contrast), then
   * blur and solarization, down to crop and flip only.
   */
  static ReproTable augmentRemoval() {
    UnaryOperator<ViewPolicy> noJitter = v -> v.toBuilder().jitterProb(0).grayscaleProb(0).build();
    UnaryOperator<ViewPolicy> cropFlip =
        v -> v.toBuilder().jitterProb(0).grayscaleProb(0).blurProb(0).solarizeProb(0).build();
    return new ReproTable(
        "augment-removal",
        "BYOL against SimCLR as augmentations are removed",
        "BYOL §5, Fig. 3b",
        "byol",
        true,
        false,
        false,
        s -> {
          List<Variant> rows = new ArrayList<>();
          for (String method : List.of("byol", "simclr")) {
            rows.add(new Variant(method + ", full recipe", "", method, c -> c, true));
            rows.add(
                new Variant(method + ", no intensity jitter", "", method, views(noJitter), true));
            rows.add(new Variant(method + ", crop + flip only", "", method, views(cropFlip), true));
          }
          return rows;
        },
        "./tfssl bench table augment-removal --preset byol-paper --dataset tfrecord"
            + " --data-dir IMAGENET_TFRECORDS --epochs 300");
  }

  /**
   * The lecture's comparison of methods at equal epochs (SimSiam Table 4 of the comparison section,
   * 100/200/400/800 epochs), scaled: each method's own recipe, the same images seen. Each row
   * trains the method it names with that method's {@code fmnist-small} recipe.
   */
  static ReproTable methods() {
    return new ReproTable(
        "methods",
        "Methods at equal images seen: linear and kNN",
        "SimSiam §5 comparison table (ImageNet, 100 epochs: SimCLR 66.5, MoCo v2 67.4,"
            + " BYOL 66.5, SwAV 66.5, SimSiam 68.1)",
        "simsiam",
        true,
        false,
        true,
        s ->
            List.of(
                Variant.method("simclr", "66.5"),
                Variant.method("mocov2", "67.4"),
                Variant.method("byol", "66.5"),
                Variant.method("swav", "66.5"),
                Variant.method("simsiam", "68.1")),
        "./tfssl bench table methods --preset <method>-paper --dataset tfrecord"
            + " --data-dir IMAGENET_TFRECORDS --epochs 100");
  }
}
