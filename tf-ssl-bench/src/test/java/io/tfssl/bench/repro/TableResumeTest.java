package io.tfssl.bench.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tfssl.cli.TfSsl;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench table --resume} keeps the runs a stopped table's file holds and trains only the
 * missing ones: a quick table cut to its first run is completed, and the kept run is the file's own
 * (its recorded duration, not a new one).
 */
class TableResumeTest {
  @TempDir Path tmp;

  @Test
  void aStoppedTableIsCompletedWithoutRetrainingItsRuns() throws Exception {
    String results = tmp.resolve("r").toString();
    String work = tmp.resolve("w").toString();
    String[] args = {
      "bench", "table", "stop-gradient", "--quick", "--results", results, "--work", work
    };
    assertEquals(0, TfSsl.commandLine().execute(args));
    Path json = tmp.resolve("r").resolve("stop-gradient.json");
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode table = (ObjectNode) mapper.readTree(json.toFile());
    ArrayNode runs = (ArrayNode) table.get("runs");
    assertEquals(3, runs.size(), "untrained, with and without stop-gradient");
    // As if the table had been stopped after its first run, with a duration no new run has.
    ObjectNode first = (ObjectNode) runs.get(0);
    first.put("seconds", 12345.0);
    runs.removeAll();
    runs.add(first);
    // A file from before table_started existed: its "started" is the table's first command's.
    table.remove("table_started");
    table.put("started", "2026-01-02T03:04:05Z");
    mapper.writeValue(json.toFile(), table);

    String[] resume = {
      "bench", "table", "stop-gradient", "--quick", "--resume", "--results", results, "--work", work
    };
    assertEquals(0, TfSsl.commandLine().execute(resume));
    JsonNode after = mapper.readTree(json.toFile()).get("runs");
    assertEquals(3, after.size(), "the two missing runs were trained");
    assertEquals(first.get("row").asText(), after.get(0).get("row").asText());
    assertEquals(12345.0, after.get(0).get("seconds").asDouble(), "kept, not retrained");
    assertEquals("w/ stop-grad", after.get(1).get("row").asText());
    assertEquals("w/o stop-grad", after.get(2).get("row").asText());
    JsonNode file = mapper.readTree(json.toFile());
    assertEquals("2026-01-02T03:04:05Z", file.get("table_started").asText());
    assertEquals(1, file.get("kept_runs").asInt());
    String md = java.nio.file.Files.readString(tmp.resolve("r").resolve("stop-gradient.md"));
    assertTrue(
        md.contains(
            "the table's first command started 2026-01-02T03:04:05Z; this command"
                + " (--resume; runs kept from the file: 1;"),
        md);
  }
}
