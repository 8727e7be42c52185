package io.tfssl.cli;

import io.tfssl.embed.CosineSearch;
import io.tfssl.embed.IdsFile;
import io.tfssl.embed.NpyReader;
import io.tfssl.embed.QueryImage;
import io.tfssl.export.EmbeddingModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tfssl neighbors}: nearest neighbours and near-duplicates in an embeddings file. */
@Command(
    name = "neighbors",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Exact cosine-similarity search in an embeddings file written by 'tfssl"
          + " embed' (or any 2-D float32 .npy; rows are then named by their number).",
      "--id ID or --query IMAGE prints the k most similar rows, best first (a row of the file"
          + " finds itself first, score 1); --duplicates prints every pair of rows with"
          + " similarity >= --threshold. Blocked matrix products in a TensorFlow graph: the"
          + " file is read block by block, never loaded whole."
    },
    footer = {
      "",
      "Examples:",
      "  tfssl neighbors --embeddings fmnist-test.npy --id 0 --k 5",
      "  tfssl neighbors --embeddings photos.npy --model saved_models/m/1 --query cat.jpg",
      "  tfssl neighbors --embeddings photos.npy --duplicates --threshold 0.98"
    })
public final class NeighborsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--embeddings",
      required = true,
      paramLabel = "FILE.npy",
      description = "The embeddings (with FILE.ids.tsv beside it, if any).")
  Path embeddings;

  @Option(
      names = "--id",
      paramLabel = "ID",
      description = "Query with this row: an id of the ids file, or a row number.")
  String id;

  @Option(
      names = "--query",
      paramLabel = "IMAGE",
      description = "Query with this image file (JPEG or PNG), embedded with --model.")
  Path query;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "The model that wrote the embeddings (needed by --query).")
  Path model;

  @Option(
      names = "--k",
      paramLabel = "K",
      defaultValue = "10",
      description = "Neighbours to print (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--duplicates", description = "Print all pairs with similarity >= --threshold.")
  boolean duplicates;

  @Option(
      names = "--threshold",
      paramLabel = "T",
      description = "Cosine similarity in [-1, 1] for --duplicates (default 0.95).")
  Double threshold;

  @Option(
      names = "--block-rows",
      paramLabel = "N",
      defaultValue = "4096",
      description =
          "Rows per block of the search (default: ${DEFAULT-VALUE}); memory is about"
              + " N x N x 4 bytes.")
  int blockRows;

  @Override
  public Integer call() throws Exception {
    validate();
    try (NpyReader db = NpyReader.open(embeddings);
        CosineSearch search = new CosineSearch(db.dim(), blockRows)) {
      IdsFile ids = IdsFile.forEmbeddings(embeddings, db.rows());
      if (duplicates) {
        return duplicates(db, search, ids);
      }
      float[] q;
      String what;
      if (id != null) {
        int row = ids.find(id);
        if (row < 0) {
          throw new UsageException(
              "--id: no row has the id '"
                  + id
                  + "' (and it is not a row"
                  + " number below "
                  + db.rows()
                  + ")");
        }
        q = db.read(row, 1);
        what = "row " + row + " (" + ids.id(row) + ")";
      } else {
        try (EmbeddingModel m = EmbeddingModel.load(model)) {
          if (m.embeddingDim() != db.dim()) {
            throw new UsageException(
                "--model returns "
                    + m.embeddingDim()
                    + " floats, but "
                    + embeddings
                    + " has rows of "
                    + db.dim()
                    + ": not the model that wrote it");
          }
          q = QueryImage.embed(m, query);
        }
        what = query.toString();
      }
      List<CosineSearch.Hit> hits = search.nearest(q, 1, db, k).get(0);
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          "%d nearest of %d rows to %s by cosine similarity%n", hits.size(), db.rows(), what);
      out.println("rank\tscore\tid" + (ids.labeled() ? "\tlabel" : ""));
      for (int r = 0; r < hits.size(); r++) {
        CosineSearch.Hit h = hits.get(r);
        out.printf(
            Locale.ROOT,
            "%d\t%.6f\t%s%s%n",
            r + 1,
            h.score(),
            ids.id(h.index()),
            ids.labeled() ? "\t" + ids.label(h.index()) : "");
      }
      out.flush();
    }
    return 0;
  }

  private int duplicates(NpyReader db, CosineSearch search, IdsFile ids) throws Exception {
    float t = threshold != null ? threshold.floatValue() : 0.95f;
    long[] pairs = {0};
    PrintWriter out = spec.commandLine().getOut();
    out.println("score\tid_a\tid_b");
    try (CountProgress progress =
        new CountProgress("block pairs", search.blockPairs(db.rows()), "blocks")) {
      search.pairsAbove(
          db,
          t,
          p -> {
            out.printf(Locale.ROOT, "%.6f\t%s\t%s%n", p.score(), ids.id(p.i()), ids.id(p.j()));
            pairs[0]++;
          },
          progress::stepTo);
    }
    out.flush();
    System.err.printf(
        Locale.ROOT, "%d pairs of %d rows with cosine similarity >= %s%n", pairs[0], db.rows(), t);
    return 0;
  }

  private void validate() {
    if (!Files.isRegularFile(embeddings)) {
      throw new UsageException("--embeddings: no such file: " + embeddings);
    }
    if (!embeddings.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
      throw new UsageException(
          "--embeddings must be a .npy file (write one with 'tfssl embed"
              + " --out FILE.npy'), got "
              + embeddings);
    }
    int modes = (id != null ? 1 : 0) + (query != null ? 1 : 0) + (duplicates ? 1 : 0);
    if (modes != 1) {
      throw new UsageException("give exactly one of --id, --query and --duplicates");
    }
    if (threshold != null && !duplicates) {
      throw new UsageException("--threshold applies only to --duplicates");
    }
    if (threshold != null && !(threshold >= -1 && threshold <= 1)) {
      throw new UsageException(
          "--threshold must be a cosine similarity in [-1, 1], got " + threshold);
    }
    CliChecks.positive("--k", k);
    CliChecks.positive("--block-rows", blockRows);
    if (query != null && model == null) {
      throw new UsageException("--query needs --model (the model that wrote the embeddings)");
    }
    if (model != null && query == null) {
      throw new UsageException("--model applies only to --query");
    }
    if (query != null && !Files.isRegularFile(query)) {
      throw new UsageException("--query: no such file: " + query);
    }
  }
}
