package io.tfssl.export;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tfssl.train.PretrainConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@code metadata.json}, written beside {@code saved_model.pb}: what the model is and how it was
 * made. TF Serving ignores the file; tf-ssl's evaluators read it to rebuild the encoder (for
 * fine-tuning and the random-init baseline) and to feed the right inputs.
 *
 * @param format metadata format version ({@link #FORMAT})
 * @param name the model name ({@code saved_models/NAME/...})
 * @param version the version directory ({@code saved_models/NAME/N})
 * @param method the pretraining method
 * @param encoder the encoder name ({@code small}, {@code resnet18}, ...)
 * @param dataset the dataset pretrained on
 * @param height height of the uint8 {@code images} input
 * @param width width of the uint8 {@code images} input
 * @param channels channels of both inputs
 * @param modelSize side of the {@code normalized_images} input (the training views' size)
 * @param mean per-channel mean subtracted after scaling to [0, 1]
 * @param std per-channel std divided by after that
 * @param embeddingDim width of {@code embedding}
 * @param projectionDim width of {@code projection}
 * @param steps training steps of the exported checkpoint (0 for a random-init model)
 * @param randomInit whether the weights are the untrained initial values
 * @param commit the tf-ssl git commit that exported it ({@code unknown} outside a checkout)
 * @param created ISO-8601 time of the export
 * @param lastMetrics the run's last logged metrics (loss, collapse std, ...)
 * @param config the run's full pretraining config
 */
public record ModelMetadata(
    int format,
    String name,
    int version,
    String method,
    String encoder,
    String dataset,
    int height,
    int width,
    int channels,
    int modelSize,
    float[] mean,
    float[] std,
    int embeddingDim,
    int projectionDim,
    long steps,
    boolean randomInit,
    String commit,
    String created,
    Map<String, Object> lastMetrics,
    PretrainConfig config) {

  public static final int FORMAT = 1;
  public static final String FILE_NAME = "metadata.json";

  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Writes {@code dir/metadata.json}. */
  public void write(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    try {
      JSON.writeValue(file.toFile(), this);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads {@code dir/metadata.json}; empty when the model has none (not exported by tf-ssl). */
  public static Optional<ModelMetadata> read(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), ModelMetadata.class));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** As {@link #read}, but a model without metadata is an error naming what needs it. */
  public static ModelMetadata require(Path dir, String purpose) {
    return read(dir)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    dir
                        + " has no "
                        + FILE_NAME
                        + ": "
                        + purpose
                        + " needs a model exported by tf-ssl (./tfssl export)"));
  }

  /** [H, W, C] of the uint8 input. */
  public long[] inputHwc() {
    return new long[] {height, width, channels};
  }
}
