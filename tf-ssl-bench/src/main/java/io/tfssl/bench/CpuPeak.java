package io.tfssl.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The CPU's theoretical FP32 peak: cores × FLOP/cycle × clock. FLOP/cycle per core is 2 (a fused
 * multiply-add counts two) × SIMD lanes × FMA units, with two FMA units as on every x86 server core
 * since Haswell and Zen 2: AVX2 → 2 × 8 × 2 = 32; AVX-512 on Intel → 2 × 16 × 2 = 64 (AMD's Zen 4
 * runs AVX-512 on 256-bit units: 32); without FMA, SSE → 8. The clock is {@code cpu MHz} of {@code
 * /proc/cpuinfo} (nominal on a VM; turbo is not counted).
 *
 * @param cores cores the JVM may use
 * @param flopsPerCycle FP32 FLOP per cycle per core, as above
 * @param ghz clock in GHz
 * @param basis how flopsPerCycle was chosen, for the results file
 */
public record CpuPeak(int cores, int flopsPerCycle, double ghz, String basis) {

  /** GFLOP/s at the peak. */
  public double gflops() {
    return cores * flopsPerCycle * ghz;
  }

  /** Reads {@code /proc/cpuinfo}. */
  public static CpuPeak detect() {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
    } catch (IOException e) {
      lines = List.of();
    }
    Set<String> flags = Set.of();
    double mhz = Double.NaN;
    String vendor = "";
    for (String l : lines) {
      int colon = l.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = l.substring(0, colon).trim();
      String value = l.substring(colon + 1).trim();
      if (key.equals("flags") && flags.isEmpty()) {
        flags = Set.of(value.split("\\s+"));
      } else if (key.equals("cpu MHz") && Double.isNaN(mhz)) {
        mhz = Double.parseDouble(value);
      } else if (key.equals("vendor_id") && vendor.isEmpty()) {
        vendor = value;
      }
    }
    int perCycle;
    String basis;
    if (flags.contains("avx512f") && !vendor.contains("AMD")) {
      perCycle = 64;
      basis = "AVX-512 + FMA, 2 units: 2 x 16 lanes x 2";
    } else if (flags.contains("avx2") && flags.contains("fma")) {
      perCycle = 32;
      basis = "AVX2 + FMA, 2 units: 2 x 8 lanes x 2";
    } else {
      perCycle = 8;
      basis = "SSE, no FMA: 4 lanes x (1 add + 1 mul)";
    }
    return new CpuPeak(Machine.cores(), perCycle, mhz / 1000, basis);
  }

  /** The formula with this machine's numbers. */
  public String describe() {
    return String.format(
        java.util.Locale.ROOT,
        "%d cores x %d FLOP/cycle (%s) x %.2f GHz" + " = %.0f GFLOP/s",
        cores,
        flopsPerCycle,
        basis,
        ghz,
        gflops());
  }
}
