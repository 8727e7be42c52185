package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tfssl.TinyConfigs;
import io.tfssl.method.PredictorMode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The §5 switches travel through config.json (so --resume rebuilds the same graph), and a
 * config.json written before they existed still reads, as plain SimSiam.
 */
class SimSiamConfigJsonTest {
  @TempDir Path tmp;

  @Test
  void sectionFiveSwitchesRoundTrip() {
    PretrainConfig c = TinyConfigs.pretrain("simsiam", 2);
    c =
        c.toBuilder()
            .simsiam(
                c.simsiam().withPredictor(PredictorMode.MOVING_AVERAGE).withPredictorMomentum(0.7))
            .build();
    RunFolder run = new RunFolder(tmp);
    run.writeConfig(c);
    assertEquals(c, run.readConfig());
    PretrainConfig alt =
        c.toBuilder()
            .simsiam(c.simsiam().withPredictor(PredictorMode.MLP).withAlternationSteps(10))
            .build();
    run.writeConfig(alt);
    assertEquals(10, run.readConfig().simsiam().alternationSteps());
  }

  @Test
  void aConfigWithoutThemIsPlainSimSiam() throws Exception {
    RunFolder run = new RunFolder(tmp);
    run.writeConfig(TinyConfigs.pretrain("simsiam", 2));
    ObjectNode json = (ObjectNode) RunFolder.JSON.readTree(run.configFile().toFile());
    ObjectNode simsiam = (ObjectNode) json.get("simsiam");
    assertTrue(simsiam.has("alternationSteps") && simsiam.has("predictorMomentum"));
    simsiam.remove("alternationSteps");
    simsiam.remove("predictorMomentum");
    Files.writeString(run.configFile(), RunFolder.JSON.writeValueAsString(json));
    PretrainConfig old = run.readConfig();
    assertEquals(0, old.simsiam().alternationSteps());
    assertEquals(PredictorMode.MLP, old.simsiam().predictor());
  }
}
