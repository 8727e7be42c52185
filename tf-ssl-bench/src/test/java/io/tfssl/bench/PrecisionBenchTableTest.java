package io.tfssl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrecisionBenchTableTest {
  private static String line(String precision, double ips, int low, String extra) {
    return "{\"method\":\"simsiam\",\"encoder\":\"small\",\"input\":\"28x28x1\",\"batch_size\":256,"
        + "\"ms_per_step_median\":"
        + (256_000 / ips)
        + ",\"images_per_sec\":"
        + ips
        + ",\"final_loss\":-0.5,\"steps\":10,\"warmup\":2,\"device\":\"CPU:0\",\"precision\":\""
        + precision
        + "\",\"conv_ops_by_device\":{\"CPU:0\":22},\"matrix_ops\":46,"
        + "\"low_precision_matrix_ops\":"
        + low
        + extra
        + "}";
  }

  @Test
  void eachRowIsComparedWithItsFp32Row() throws Exception {
    String table =
        PrecisionBenchTable.render(List.of(line("fp32", 400, 0, ""), line("bf16", 200, 46, "")));
    List<String> rows = table.lines().toList();
    assertEquals(4, rows.size(), table);
    assertTrue(rows.get(2).contains("| fp32 |") && rows.get(2).contains("| 1.00x |"), table);
    assertTrue(
        rows.get(3).contains("| bf16 |")
            && rows.get(3).contains("| 0.50x |")
            && rows.get(3).contains("| 46 of 46 |")
            && rows.get(3).contains("CPU:0 (22)"),
        table);
    assertTrue(!table.contains("GPU memory"), table);
  }

  @Test
  void gpuMemoryBecomesAColumnWhenMeasured() throws Exception {
    String table =
        PrecisionBenchTable.render(List.of(line("fp16", 900, 40, ",\"gpu_memory_mib\":12345")));
    assertTrue(table.contains("GPU memory MiB"), table);
    assertTrue(table.contains("| 12345 |"), table);
    assertTrue(
        table.lines().skip(2).findFirst().orElseThrow().contains("| 900.0 |  | 40 of 46 |"),
        "no fp32 row to compare with: " + table);
  }
}
