#!/usr/bin/env bash
# Measures the input pipeline (`tfssl bench loader --json`) for Fashion-MNIST and for a folder of
# 96x96 JPEGs the benchmark writes, beside the training step's consumption, and writes:
#   results/loader-bench.jsonl  the raw JSON lines
#   results/loader-bench.md     a table headed by the command, date, machine and versions
# Usage: tf-ssl-bench/run-loader-bench.sh   (environment: BATCHES [40], IMAGES [4096], OUT_DIR)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out_dir="${OUT_DIR:-$here/results}"
batches="${BATCHES:-40}"
images="${IMAGES:-4096}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$root/tfssl" --version >/dev/null
start="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
for args in "--dataset fashion-mnist" "--dataset folder --images $images"; do
  echo "run-loader-bench: ./tfssl bench loader $args --batches $batches --json" >&2
  # shellcheck disable=SC2086
  "$root/tfssl" bench loader $args --batches "$batches" --json 2>/dev/null | grep '^{' >> "$work/loader.jsonl"
done
end="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
{
  echo "# Input pipeline benchmark (\`tfssl bench loader\`)"
  echo
  echo "Written by \`tf-ssl-bench/run-loader-bench.sh\` from the measurements in \`loader-bench.jsonl\`; do not edit by hand."
  echo
  echo "- command: \`tf-ssl-bench/run-loader-bench.sh\` with BATCHES=$batches IMAGES=$images"
  echo "- date: $start to $end"
  echo "- machine: $(nproc) cores, CPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), GPU: none, load average at start $load_start"
  echo "- Java: $(java -version 2>&1 | head -1)"
  echo "- TensorFlow: 2.18.0 (TensorFlow Java 1.1.0), TF_ENABLE_ONEDNN_OPTS=${TF_ENABLE_ONEDNN_OPTS:-1 (launcher default)}"
  echo
  echo "Loader = read, decode (folder: JPEG with TF's ops on worker threads), shuffle, batch, prefetch."
  echo "Loader + 2 views = the same batches through the in-graph augmentation of both views (Fashion-MNIST:"
  echo "the fmnist-small views at 28x28; folder: BYOL's view 1/2 at 96x96). Training step = one SimSiam"
  echo "step of the small encoder with the fmnist-small heads on the same input shape and views."
  echo
  echo "| dataset | input | batch | loader images/s | loader + 2 views images/s | training step images/s | pipeline / step |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  python3 - "$work/loader.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    print(f"| {r['dataset']} | {r['image_shape']} | {r['batch_size']} | {r['loader_images_per_sec']:.0f} | "
          f"{r['loader_augment_images_per_sec']:.0f} | {r['step_images_per_sec']:.0f} | {r['loader_augment_over_step']:.1f}x |")
PY
} > "$work/loader-bench.md"
mkdir -p "$out_dir"
mv "$work/loader.jsonl" "$out_dir/loader-bench.jsonl"
mv "$work/loader-bench.md" "$out_dir/loader-bench.md"
echo "run-loader-bench: wrote $out_dir/loader-bench.md and $out_dir/loader-bench.jsonl" >&2
