package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.method.MoCoConfig;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every method has an fmnist-small preset and a paper preset; each survives config.json (Jackson)
 * unchanged, and a config carries only its own method's settings.
 */
class MethodPresetsTest {

  @ParameterizedTest
  @CsvSource({
    "fmnist-small, simsiam",
    "fmnist-small, byol",
    "fmnist-small, simclr",
    "fmnist-small, mocov2",
    "fmnist-small, swav",
    "simsiam-paper, simsiam",
    "byol-paper, byol",
    "simclr-paper, simclr",
    "mocov2-paper, mocov2",
    "swav-paper, swav"
  })
  void presetsRoundTripThroughConfigJson(String preset, String method) throws Exception {
    PretrainConfig c = Presets.get(preset, method);
    assertEquals(method, c.method());
    String json = RunFolder.JSON.writeValueAsString(c);
    assertEquals(c, RunFolder.JSON.readValue(json, PretrainConfig.class));
    assertEquals(c.method(), Components.method(c).name());
  }

  @ParameterizedTest
  @ValueSource(strings = {"simclr", "mocov2", "swav"})
  void aPresetHoldsOnlyItsOwnMethodsSettings(String method) {
    PretrainConfig c = Presets.get("fmnist-small", method);
    assertNull(c.simsiam());
    assertNull(c.byol());
    assertEquals(method.equals("simclr"), c.simclr() != null);
    assertEquals(method.equals("mocov2"), c.mocov2() != null);
    assertEquals(method.equals("swav"), c.swav() != null);
  }

  @Test
  void configsWrittenBeforeTheNewMethodsStillRead() throws Exception {
    PretrainConfig c = Presets.get("fmnist-small", "byol");
    var tree = (com.fasterxml.jackson.databind.node.ObjectNode) RunFolder.JSON.valueToTree(c);
    tree.remove(List.of("simclr", "mocov2", "swav"));
    assertEquals(c, RunFolder.JSON.treeToValue(tree, PretrainConfig.class));
  }

  @Test
  void missingOrInconsistentSettingsAreRejected() {
    PretrainConfig moco = Presets.get("fmnist-small", "mocov2");
    assertThrows(IllegalArgumentException.class, () -> moco.toBuilder().mocov2(null).build());
    // Batch 100 cannot be split into 8 shuffle-BN groups.
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> moco.toBuilder().batchSize(100).mocov2(MoCoConfig.paper()).build());
    assertTrue(e.getMessage().contains("multiple of the shuffle-BN groups"), e.getMessage());
    assertNotNull(moco.toBuilder().batchSize(96).build());
  }
}
