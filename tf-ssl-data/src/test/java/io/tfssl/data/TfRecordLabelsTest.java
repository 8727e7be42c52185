package io.tfssl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.Int64List;

/** {@code --dataset tfrecord} label numbering: detected from the labels, or as given. */
@Timeout(60)
class TfRecordLabelsTest {
  private static final int SIDE = 4;

  @TempDir Path dir;

  /** Record {@code i} is labeled {@code labels[i]}; written in two train-* files. */
  private Path write(long... labels) {
    List<Example> a = new ArrayList<>();
    List<Example> b = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      byte[] png = TestImages.png(TestImages.noise(SIDE, SIDE, 3, i), SIDE, SIDE, 3);
      (i < labels.length / 2 ? a : b).add(TfRecordWriter.example(png, labels[i]));
    }
    TfRecordWriter.writeExamples(dir.resolve("train-00000-of-00002"), a);
    TfRecordWriter.writeExamples(dir.resolve("train-00001-of-00002"), b);
    return dir;
  }

  private ImageSource open(TfRecordLayout layout) {
    return Datasets.open("tfrecord", dir, Split.TRAIN, new Datasets.Options(SIDE, false, layout));
  }

  private static int[] labels(ImageSource s) {
    int[] out = new int[s.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = s.label(i);
    }
    return out;
  }

  @Test
  void zeroBasedLabelsAreDetected() throws Exception {
    write(3, 0, 4, 1, 2, 0, 4, 3);
    ImageSource s = open(null);
    try {
      assertEquals(5, s.numClasses());
      assertEquals(List.of(3, 0, 4, 1, 2, 0, 4, 3), List.of(box(labels(s))));
      String note = Datasets.labelNote(s).orElseThrow();
      assertTrue(
          note.contains("0-based")
              && note.contains("--label-offset 0")
              && note.contains("5 classes")
              && note.contains("8 (all) of 8 records"),
          note);
    } finally {
      Sources.close(s);
    }
  }

  @Test
  void oneBasedLabelsAreDetectedAsTfSlims() throws Exception {
    write(1, 5, 2, 3, 4, 5);
    ImageSource s = open(null);
    try {
      assertEquals(5, s.numClasses());
      assertEquals(List.of(0, 4, 1, 2, 3, 4), List.of(box(labels(s))));
      String note = Datasets.labelNote(s).orElseThrow();
      assertTrue(note.contains("1-based") && note.contains("--label-offset -1"), note);
    } finally {
      Sources.close(s);
    }
  }

  @Test
  void theTestSplitIsNumberedAsTheTrainSplit() throws Exception {
    write(0, 1, 2, 3, 4, 0);
    List<Example> val = new ArrayList<>();
    for (long label : new long[] {2, 1, 3}) {
      byte[] png = TestImages.png(TestImages.noise(SIDE, SIDE, 3, 9), SIDE, SIDE, 3);
      val.add(TfRecordWriter.example(png, label));
    }
    TfRecordWriter.writeExamples(dir.resolve("validation-00000-of-00001"), val);
    // alone, the validation labels (no 0, largest 3) would read as 1-based with 3 classes
    ImageSource s = Datasets.open("tfrecord", dir, Split.TEST, new Datasets.Options(SIDE, false));
    try {
      assertEquals(5, s.numClasses());
      assertEquals(List.of(2, 1, 3), List.of(box(labels(s))));
    } finally {
      Sources.close(s);
    }
  }

  @Test
  void givenOffsetAndClassesWinAndNeedNoNote() throws Exception {
    write(1, 2, 3, 4);
    ImageSource s =
        open(new TfRecordLayout(TfRecordLayout.IMAGE_KEY, TfRecordLayout.LABEL_KEY, 0, 10));
    try {
      assertEquals(10, s.numClasses());
      assertEquals(List.of(1, 2, 3, 4), List.of(box(labels(s))));
      assertTrue(Datasets.labelNote(s).isEmpty());
    } finally {
      Sources.close(s);
    }
    // a given offset that leaves a label negative fails at open with the flags that fix it
    DataFormatException e =
        assertThrows(
            DataFormatException.class,
            () ->
                open(
                    new TfRecordLayout(TfRecordLayout.IMAGE_KEY, TfRecordLayout.LABEL_KEY, -2, 0)));
    assertTrue(
        e.getMessage().contains("label -1") && e.getMessage().contains("--label-offset"),
        e.getMessage());
  }

  @Test
  void otherFeatureNamesAndUnlabeledSets() throws Exception {
    List<Example> ex = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      byte[] png = TestImages.png(TestImages.noise(SIDE, SIDE, 3, i), SIDE, SIDE, 3);
      ex.add(
          Example.newBuilder()
              .setFeatures(
                  Features.newBuilder()
                      .putFeature(
                          "img",
                          Feature.newBuilder()
                              .setBytesList(
                                  BytesList.newBuilder().addValue(ByteString.copyFrom(png)))
                              .build())
                      .putFeature(
                          "cls",
                          Feature.newBuilder()
                              .setInt64List(Int64List.newBuilder().addValue(i))
                              .build()))
              .build());
    }
    TfRecordWriter.writeExamples(dir.resolve("data.tfrecord"), ex);
    ImageSource s = open(new TfRecordLayout("img", "cls", null, 0));
    try {
      assertEquals(3, s.numClasses());
      assertEquals(List.of(0, 1, 2), List.of(box(labels(s))));
    } finally {
      Sources.close(s);
    }
    // the label under a name not given: read unlabeled, and the note says why
    ImageSource u = open(new TfRecordLayout("img", TfRecordLayout.LABEL_KEY, null, 0));
    try {
      assertEquals(0, u.numClasses());
      assertEquals(-1, u.label(0));
      assertTrue(Datasets.labelNote(u).orElseThrow().contains("--label-key"));
    } finally {
      Sources.close(u);
    }
    DataFormatException e =
        assertThrows(
            DataFormatException.class,
            () -> open(new TfRecordLayout(TfRecordLayout.IMAGE_KEY, "cls", null, 0)));
    assertTrue(e.getMessage().contains("--image-key"), e.getMessage());
  }

  private static Integer[] box(int[] a) {
    return java.util.Arrays.stream(a).boxed().toArray(Integer[]::new);
  }
}
