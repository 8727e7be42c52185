/**
 * Embedding files and what users do first with them: {@link io.tfssl.embed.EmbeddingWriter} streams
 * a model's embeddings of a dataset to {@code .npy} (plus an ids file) or {@code .csv}; {@link
 * io.tfssl.embed.CosineSearch} finds nearest neighbours and near-duplicates in such a file by
 * exact, blocked cosine similarity in a TensorFlow graph.
 *
 * <p>Layer: beside {@code eval}, on top of {@code export} (it runs an exported model through {@link
 * io.tfssl.export.EmbeddingModel}); only {@code cli} uses it.
 */
package io.tfssl.embed;
