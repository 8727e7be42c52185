package io.tfssl.export;

import io.tfssl.data.ImageSource;
import io.tfssl.data.Normalization;
import io.tfssl.data.Sources;
import io.tfssl.method.SslMethod;
import io.tfssl.nn.Encoder;
import io.tfssl.train.Components;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.RunFolder;
import io.tfssl.train.RunInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;

/**
 * Writes inference-only SavedModels in TensorFlow Serving's layout, {@code
 * saved_models/NAME/N/{saved_model.pb, variables/, metadata.json}}.
 *
 * <pre>{@code
 * ExportedModel m = Exporter.exportRun(Path.of("runs/s1"), Path.of("saved_models"), "s1",
 *     OptionalInt.empty());   // saved_models/s1/1, then 2, ...
 * }</pre>
 *
 * <p>The served graph is built fresh ({@link InferenceNetwork}: encoder and projector, BN in
 * inference mode) and the run's latest checkpoint is restored into it, so no gradient, slot,
 * predictor or target network is exported. It is written to a hidden temporary directory next to
 * the version directories and renamed into place only when complete: TF Serving, which polls for
 * numeric version directories, never sees half a model.
 *
 * <p>Signatures, all with method name {@value #PREDICT_METHOD}: {@value #SERVING_DEFAULT} takes
 * {@code images} (uint8 [-1, H, W, C]); {@value #SERVING_BYTES} takes {@code image_bytes} (string
 * [-1], JPEG, PNG, GIF or BMP files of any size, decoded and resized in the graph; the {@code
 * _bytes} suffix makes TF Serving's REST API accept {@code {"b64": ...}} values) and also returns
 * {@code embedding_l2}; {@value #NORMALIZED} takes {@code normalized_images} (float32 [-1, S, S,
 * C], already resized and normalized). All return {@code embedding} (encoder output) and {@code
 * projection} (projector output).
 */
public final class Exporter {
  /** TF Serving's method name for Predict; a server with the method-name check needs it. */
  public static final String PREDICT_METHOD = "tensorflow/serving/predict";

  public static final String SERVING_DEFAULT = "serving_default";
  public static final String NORMALIZED = "embed_normalized";
  public static final String IMAGES = "images";
  public static final String NORMALIZED_IMAGES = "normalized_images";
  public static final String SERVING_BYTES = "serving_bytes";
  public static final String IMAGE_BYTES = "image_bytes";
  public static final String EMBEDDING = "embedding";
  public static final String EMBEDDING_L2 = "embedding_l2";
  public static final String PROJECTION = "projection";

  private Exporter() {}

  /**
   * Exports the latest checkpoint of the run in {@code runDir} to {@code root/name/version}.
   *
   * @param version an explicit version (an error if it exists) or empty for the next free one
   */
  public static ExportedModel exportRun(Path runDir, Path root, String name, OptionalInt version) {
    return exportRun(runDir, root, name, version, dir -> {});
  }

  /**
   * As above; {@code beforeRename} runs on the complete temporary directory (tests inject
   * failures).
   */
  static ExportedModel exportRun(
      Path runDir, Path root, String name, OptionalInt version, Consumer<Path> beforeRename) {
    RunFolder run = new RunFolder(runDir);
    PretrainConfig config = run.readConfig();
    RunInput input = run.readInput().orElseGet(() -> inputFromDataset(runDir, config));
    Path checkpoint =
        run.checkpoints(config.keepCheckpoints())
            .latest()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        runDir + " has no checkpoint to export (train first)"));
    long steps = stepOf(checkpoint);
    Path modelDir = root.resolve(validName(name));
    int v = version.isPresent() ? version.getAsInt() : nextVersion(modelDir);
    return write(
        config,
        input,
        modelDir,
        name,
        v,
        session -> session.restore(checkpoint.toString()),
        steps,
        false,
        run.lastMetrics(),
        beforeRename);
  }

  /**
   * Exports the untrained network of {@code config} (the "random init" baseline of SimSiam's and
   * BYOL's tables): the same initial values the run started from, with BN moving statistics at
   * their initial mean 0 and variance 1.
   */
  public static ExportedModel exportRandomInit(
      PretrainConfig config, RunInput input, Path root, String name, OptionalInt version) {
    Path modelDir = root.resolve(validName(name));
    int v = version.isPresent() ? version.getAsInt() : nextVersion(modelDir);
    return write(
        config, input, modelDir, name, v, Session::initialize, 0, true, Map.of(), dir -> {});
  }

  private static ExportedModel write(
      PretrainConfig config,
      RunInput input,
      Path modelDir,
      String name,
      int version,
      Consumer<Session> loadWeights,
      long steps,
      boolean randomInit,
      Map<String, Object> lastMetrics,
      Consumer<Path> beforeRename) {
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, got " + version);
    }
    Path target = modelDir.resolve(Integer.toString(version));
    if (Files.exists(target)) {
      throw new IllegalArgumentException(
          target
              + " already exists; choose another --version"
              + " or leave it out for the next free one");
    }
    Path tmp =
        modelDir.resolve(
            ".tmp-" + version + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    SslMethod method = Components.method(config);
    Encoder encoder = Components.encoder(config, input.viewSize());
    Normalization normalization = Components.normalization(config);
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      InferenceNetwork net =
          InferenceNetwork.build(
              tf, method, encoder, input.hwc(), input.viewSize(), normalization, config.seed());
      try (Session session = new Session(graph)) {
        loadWeights.accept(session);
        Files.createDirectories(modelDir);
        Signature serving = signature(SERVING_DEFAULT, IMAGES, net.images(), net.ofImages(), false);
        Signature files =
            signature(SERVING_BYTES, IMAGE_BYTES, net.imageFiles(), net.ofFiles(), true);
        Signature normalized =
            signature(
                NORMALIZED, NORMALIZED_IMAGES, net.normalizedImages(), net.ofNormalized(), false);
        SavedModelBundle.exporter(tmp.toString())
            .withFunction(session.function(serving))
            .withFunction(session.function(files))
            .withFunction(session.function(normalized))
            .export();
        ModelMetadata metadata =
            new ModelMetadata(
                ModelMetadata.FORMAT,
                name,
                version,
                config.method(),
                encoder.name(),
                input.dataset(),
                input.height(),
                input.width(),
                input.channels(),
                input.viewSize(),
                normalization.mean(),
                normalization.std(),
                encoder.outputDim(),
                method.projector().outputDim(),
                steps,
                randomInit,
                commit(),
                Instant.now().toString(),
                lastMetrics,
                config);
        metadata.write(tmp);
        beforeRename.accept(tmp);
        move(tmp, target);
        return new ExportedModel(target, metadata);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      SavedModels.deleteQuietly(tmp);
    }
  }

  /** Runs written before input.json existed: open the dataset to learn the image shape. */
  private static RunInput inputFromDataset(Path runDir, PretrainConfig config) {
    ImageSource source;
    try {
      source = Components.pretrainingSource(config);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          runDir
              + " has no input.json and its dataset cannot"
              + " be opened to find the image shape: "
              + e.getMessage(),
          e);
    }
    try {
      return RunInput.of(config, source);
    } finally {
      Sources.closeQuietly(source);
    }
  }

  /** The next free version under {@code modelDir}: one more than the largest numeric directory. */
  public static int nextVersion(Path modelDir) {
    if (!Files.isDirectory(modelDir)) {
      return 1;
    }
    try (Stream<Path> s = Files.list(modelDir)) {
      return s.map(p -> p.getFileName().toString())
              .filter(n -> n.matches("\\d{1,9}"))
              .mapToInt(Integer::parseInt)
              .max()
              .orElse(0)
          + 1;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + modelDir, e);
    }
  }

  /** A predict signature, the kind TF Serving's REST and gRPC Predict APIs call. */
  private static Signature signature(
      String key,
      String inputName,
      Operand<?> input,
      InferenceNetwork.Outputs out,
      boolean withL2) {
    Signature.Builder b =
        Signature.builder()
            .key(key)
            .methodName(PREDICT_METHOD)
            .input(inputName, input)
            .output(EMBEDDING, out.embedding());
    if (withL2) {
      b.output(EMBEDDING_L2, out.embeddingL2());
    }
    return b.output(PROJECTION, out.projection()).build();
  }

  private static String validName(String name) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException(
          "model name '"
              + name
              + "' must be letters, digits,"
              + " '.', '_' or '-' (it becomes a directory name and a TF Serving model name)");
    }
    return name;
  }

  private static long stepOf(Path checkpointPrefix) {
    String dir = checkpointPrefix.getParent().getFileName().toString();
    return dir.startsWith("step-") ? Long.parseLong(dir.substring(5)) : -1;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  /** The git commit of the working directory, or "unknown" outside a checkout. */
  static String commit() {
    try {
      Process p =
          new ProcessBuilder("git", "describe", "--always", "--dirty", "--abbrev=40")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty()) {
        return out;
      }
    } catch (IOException e) {
      // no git on this machine
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "unknown";
  }
}
