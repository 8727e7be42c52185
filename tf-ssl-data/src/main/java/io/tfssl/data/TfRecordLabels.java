package io.tfssl.data;

import java.nio.file.Path;

/**
 * Chooses the label offset and class count of a TFRecord set when the command line leaves them
 * open, by looking at the labels themselves.
 *
 * <p>TF-slim's ImageNet files number the classes 1..1000 (0 was "background"); most sets written by
 * other tools number them from 0. A label 0 therefore means 0-based (offset 0); no label 0 means
 * TF-slim's 1-based numbering (offset -1). The class count is the largest label after the offset,
 * plus one. Reading a label means reading its whole record, so at most {@value #SAMPLE} records,
 * spread evenly over the set, are looked at: every record of a small set, and of ImageNet's 1.28
 * million enough that each class is seen (about 8 records per class). A class missing from the
 * sample is not silent: its first record fails the read with the label and the flags that fix it.
 * Records that cannot be read are left out here and fail (or are skipped) where they are read.
 */
final class TfRecordLabels {
  static final int SAMPLE = 10_000;

  private TfRecordLabels() {}

  /** Opens the set with {@code layout}, detecting what it leaves open, and says what was chosen. */
  static TfRecordSource open(
      Path dir, String glob, int size, boolean skipBadImages, TfRecordLayout layout) {
    Integer offset = layout.labelOffset();
    int classes = layout.numClasses();
    String note = null;
    if (offset == null || classes == 0) {
      try (TfRecordSource probe = builder(dir, glob, size, skipBadImages, layout).build()) {
        Scan scan = scan(probe);
        if (scan.labeled == 0) {
          if (classes > 0) {
            offset = offset == null ? 0 : offset;
          } else {
            // no label anywhere: an unlabeled set (fine to pretrain on or embed)
            return builder(dir, glob, size, skipBadImages, layout)
                .labelNote(
                    "labels: none of "
                        + scan.read
                        + " records read has the int64 feature \""
                        + layout.labelKey()
                        + "\": reading the set unlabeled (--label-key names"
                        + " the label feature)")
                .build();
          }
        }
        StringBuilder b = new StringBuilder("labels: ");
        if (offset == null) {
          offset = scan.min == 0 ? 0 : -1;
          b.append(
              offset == 0
                  ? "look 0-based (a label 0 was seen): using --label-offset 0"
                  : "look 1-based as TF-slim's ImageNet (no label 0 was seen): using --label-offset -1");
        } else {
          b.append("--label-offset ").append(offset);
        }
        if (classes == 0) {
          classes = (int) Math.max(1, Math.min(Integer.MAX_VALUE, scan.max + offset + 1));
          b.append("; ")
              .append(classes)
              .append(" classes (largest label ")
              .append(scan.max)
              .append("; --num-classes sets it)");
        }
        b.append("; from ")
            .append(scan.read)
            .append(scan.read == probe.size() ? " (all)" : "")
            .append(" of ")
            .append(probe.size())
            .append(" records");
        note = b.toString();
      }
    }
    return builder(dir, glob, size, skipBadImages, layout)
        .labelOffset(offset)
        .numClasses(classes)
        .labelNote(note)
        .build();
  }

  private static TfRecordSource.Builder builder(
      Path dir, String glob, int size, boolean skip, TfRecordLayout l) {
    return TfRecordSource.builder(dir, glob)
        .size(size, size)
        .channels(3)
        .skipBadImages(skip)
        .imageFeature(l.imageKey())
        .labelFeature(l.labelKey());
  }

  /** What the sampled labels look like. */
  private record Scan(int read, int labeled, long min, long max) {}

  private static Scan scan(TfRecordSource probe) {
    int n = probe.size();
    int m = Math.min(n, SAMPLE);
    int read = 0;
    int labeled = 0;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int s = 0; s < m; s++) {
      int index = (int) ((long) s * n / m);
      Long label;
      try {
        label = probe.rawLabel(index);
      } catch (DataFormatException e) {
        continue;
      }
      read++;
      if (label != null) {
        labeled++;
        min = Math.min(min, label);
        max = Math.max(max, label);
      }
    }
    return new Scan(read, labeled, min, max);
  }
}
