package io.tfssl.nn;

/**
 * Makes the encoder of a run from the settings a config gives every encoder. Registered under a
 * name with {@link Encoders#register}, so that an encoder written in your own code is built by name
 * wherever tf-ssl builds one: the trainer, the exporter's inference graph, fine-tuning.
 *
 * <pre>{@code
 * Encoders.register("tiny-mlp", (stem, zeroInitResidual) -> new TinyMlp());
 * }</pre>
 */
@FunctionalInterface
public interface EncoderFactory {
  /**
   * @param stem the ResNet stem the config chose, or the one its image size implies (encoders other
   *     than ResNets may ignore it)
   * @param zeroInitResidual the config's setting for ResNets (others may ignore it)
   * @return an encoder whose {@link Encoder#name()} is the name it was registered under
   */
  Encoder create(ResNet.Stem stem, boolean zeroInitResidual);
}
