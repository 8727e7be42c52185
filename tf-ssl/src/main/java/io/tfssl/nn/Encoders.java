package io.tfssl.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encoders by name, as the command line and configs refer to them: the built-in ones and any
 * registered by the program (an encoder defined in your own code).
 *
 * <p>A config stores only the encoder's name ({@code config.json}, and {@code metadata.json} of an
 * export), and the trainer, the exporter, the fine-tuner, the random-init baseline and {@code
 * --resume} rebuild the network from it, so a program that does one of these with an encoder of its
 * own registers the encoder first:
 *
 * <pre>{@code
 * Encoders.register("tiny-mlp", (stem, zeroInitResidual) -> new TinyMlp());
 * PretrainConfig c = Presets.get("fmnist-small", "simsiam").toBuilder()
 *     .encoder("tiny-mlp").build();
 * }</pre>
 */
public final class Encoders {
  /** The built-in encoders (what the command line offers). */
  public static final List<String> NAMES = List.of("small", "resnet18", "resnet34", "resnet50");

  private static final Map<String, EncoderFactory> FACTORIES = new LinkedHashMap<>();

  static {
    FACTORIES.put("small", (stem, zeroInit) -> new SmallConvNet());
    FACTORIES.put("resnet18", ResNet::resnet18);
    FACTORIES.put("resnet34", ResNet::resnet34);
    FACTORIES.put("resnet50", ResNet::resnet50);
  }

  private Encoders() {}

  /**
   * Makes {@code factory}'s encoder available under {@code name} in this JVM.
   *
   * @param name letters, digits, '.', '_' or '-'; not a name already registered (the built-ins
   *     included), so one name never means two architectures
   * @throws IllegalArgumentException for a bad or taken name
   */
  public static synchronized void register(String name, EncoderFactory factory) {
    if (!isValidName(name)) {
      throw new IllegalArgumentException(
          "encoder name '" + name + "' must be letters, digits," + " '.', '_' or '-'");
    }
    if (factory == null) {
      throw new IllegalArgumentException("no factory given for encoder '" + name + "'");
    }
    if (FACTORIES.containsKey(name)) {
      throw new IllegalArgumentException(
          "encoder '"
              + name
              + "' is already registered"
              + (NAMES.contains(name) ? " (a built-in encoder)" : "")
              + "; choose another name");
    }
    FACTORIES.put(name, factory);
  }

  /** Whether {@code name} has the form of an encoder name (registered or not). */
  public static boolean isValidName(String name) {
    return name != null && name.matches("[A-Za-z0-9][A-Za-z0-9._-]*");
  }

  /** Whether {@link #create} knows {@code name}. */
  public static synchronized boolean isRegistered(String name) {
    return FACTORIES.containsKey(name);
  }

  /** Every name {@link #create} accepts: the built-ins, then the registered ones. */
  public static synchronized List<String> names() {
    return List.copyOf(FACTORIES.keySet());
  }

  /** Why {@code name} cannot be built, for configs and errors. */
  public static String unknownMessage(String name) {
    return "unknown encoder '"
        + name
        + "' (known: "
        + names()
        + "; an encoder defined in your"
        + " own code must be registered with Encoders.register(\""
        + name
        + "\", factory) before"
        + " a run of it is trained, resumed, exported, fine-tuned or given a random-init"
        + " baseline)";
  }

  /**
   * @param name one of {@link #names()}
   * @param stem for ResNets; ignored by {@code small}
   * @param zeroInitResidual for ResNets; ignored by {@code small}
   */
  public static Encoder create(String name, ResNet.Stem stem, boolean zeroInitResidual) {
    EncoderFactory factory;
    synchronized (Encoders.class) {
      factory = FACTORIES.get(name);
    }
    if (factory == null) {
      throw new IllegalArgumentException(unknownMessage(name));
    }
    Encoder encoder = factory.create(stem, zeroInitResidual);
    if (encoder == null || !name.equals(encoder.name())) {
      throw new IllegalStateException(
          "the factory registered as encoder '"
              + name
              + "' made "
              + (encoder == null ? "null" : "an encoder named '" + encoder.name() + "'")
              + "; its name() must be the registered name (runs and exports rebuild it by name)");
    }
    return encoder;
  }

  /** The CIFAR stem for images up to 64 pixels on a side, the ImageNet stem above (SimSiam §A). */
  public static ResNet.Stem stemFor(int imageSize) {
    return imageSize <= 64 ? ResNet.Stem.CIFAR : ResNet.Stem.IMAGENET;
  }
}
