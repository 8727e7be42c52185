package io.tfssl.bench.repro;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index's time of a table is the sum of its runs' durations: a table finished with --resume was
 * written last by a command that ran only its last runs, so its start-to-finish says little.
 */
class IndexCommandTest {
  @TempDir Path tmp;

  @Test
  void aResumedTablesTimeIsTheSumOfItsRuns() throws Exception {
    // Three runs of 60, 600 and 540 s (20 min in all); the last command ran for one minute.
    Files.writeString(
        tmp.resolve("stop-gradient.json"),
        """
        {"table": "stop-gradient", "command": "./tfssl bench table stop-gradient --scale long --resume",
         "started": "2026-12-07T10:00:00Z", "finished": "2026-12-07T10:01:00Z",
         "machine": {"cores": 2},
         "runs": [{"row": "untrained encoder", "seed": 0, "seconds": 60.0},
                  {"row": "w/ stop-grad", "seed": 0, "seconds": 600.0},
                  {"row": "w/o stop-grad", "seed": 0, "seconds": 540.0}]}
        """);
    String index = IndexCommand.render(tmp, "results/long", Scale.longScale());
    assertTrue(index.contains("| 3 of 9 | 20 min on 2 cores |"), index);
    assertTrue(index.contains("| byol-bootstrap |"), index);
    assertTrue(index.contains("not run yet"), index);
  }
}
