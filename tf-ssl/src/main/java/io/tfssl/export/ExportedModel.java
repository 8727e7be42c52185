package io.tfssl.export;

import java.nio.file.Path;

/**
 * A SavedModel version directory written by {@link Exporter}.
 *
 * @param dir {@code saved_models/NAME/N}
 * @param metadata its {@code metadata.json}
 */
public record ExportedModel(Path dir, ModelMetadata metadata) {}
