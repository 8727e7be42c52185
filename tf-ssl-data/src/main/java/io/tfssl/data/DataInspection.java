package io.tfssl.data;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a dataset holds, read image by image: count, shape, label histogram, per-channel pixel mean
 * and std (of values scaled to [0, 1], the numbers a {@code Normalization} needs), and the first
 * record that fails to read.
 *
 * @param name the source's name
 * @param images number of images looked at
 * @param height image height
 * @param width image width
 * @param channels image channels
 * @param labelHistogram label → count (label −1 = unlabeled)
 * @param channelMean per-channel mean of pixel/255
 * @param channelStd per-channel standard deviation of pixel/255
 * @param firstBadRecord index of the first image that failed to read, or −1
 * @param firstBadMessage its error message, or null
 */
public record DataInspection(
    String name,
    int images,
    int height,
    int width,
    int channels,
    Map<Integer, Integer> labelHistogram,
    double[] channelMean,
    double[] channelStd,
    int firstBadRecord,
    String firstBadMessage) {

  /** Reads the first {@code limit} images of {@code source} (all when limit ≤ 0). */
  public static DataInspection of(ImageSource source, int limit) {
    int n = limit > 0 ? Math.min(limit, source.size()) : source.size();
    int c = source.channels();
    int bytes = source.imageBytes();
    byte[] image = new byte[bytes];
    double[] sum = new double[c];
    double[] sumSq = new double[c];
    long[] count = new long[c];
    Map<Integer, Integer> histogram = new TreeMap<>();
    int firstBad = -1;
    String badMessage = null;
    int read = 0;
    for (int i = 0; i < n; i++) {
      try {
        source.readImage(i, image, 0);
      } catch (RuntimeException e) {
        if (firstBad < 0) {
          firstBad = i;
          badMessage = e.getMessage();
        }
        continue;
      }
      read++;
      histogram.merge(source.label(i), 1, Integer::sum);
      // Integer sums per channel: exact, and no float rounding over millions of pixels.
      long[] s = new long[c];
      long[] sq = new long[c];
      for (int p = 0; p < bytes; p++) {
        int v = image[p] & 0xff;
        int ch = p % c;
        s[ch] += v;
        sq[ch] += (long) v * v;
      }
      for (int ch = 0; ch < c; ch++) {
        sum[ch] += s[ch];
        sumSq[ch] += sq[ch];
        count[ch] += bytes / c;
      }
    }
    double[] mean = new double[c];
    double[] std = new double[c];
    for (int ch = 0; ch < c; ch++) {
      if (count[ch] > 0) {
        double m = sum[ch] / count[ch];
        mean[ch] = m / 255.0;
        std[ch] = Math.sqrt(Math.max(0, sumSq[ch] / count[ch] - m * m)) / 255.0;
      }
    }
    return new DataInspection(
        source.name(),
        read,
        source.height(),
        source.width(),
        c,
        histogram,
        mean,
        std,
        firstBad,
        badMessage);
  }

  /** The inspection as nested maps and lists, for a JSON report. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("images", images);
    m.put("shape", new int[] {height, width, channels});
    Map<String, Integer> labels = new LinkedHashMap<>();
    labelHistogram.forEach((k, v) -> labels.put(Integer.toString(k), v));
    m.put("labels", labels);
    m.put("channel_mean", channelMean);
    m.put("channel_std", channelStd);
    m.put("first_bad_record", firstBadRecord);
    m.put("first_bad_message", firstBadMessage);
    return m;
  }
}
