#!/usr/bin/env bash
# Runs the main job, `./tfssl demo`, for SimSiam and BYOL at its default budget and writes what
# they reached, from the runs' own --report files:
#   results/demo.md       the table, headed by the commands, date, machine, Java and TF versions
#   results/demo-*.json   the reports
# and replaces the block between the demo-results markers in the README with the same table.
#
# Usage: tf-ssl-bench/run-demo.sh [METHOD...]   (default: simsiam byol simclr mocov2 swav)
# Environment: OUT_DIR [tf-ssl-bench/results], README [README.md of the project],
#   DEMO_ARGS [empty; e.g. "--steps 2 --eval-limit 300" for a smoke run of this script]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out_dir="${OUT_DIR:-$here/results}"
readme="${README:-$root/README.md}"
methods=("$@")
if [ ${#methods[@]} -eq 0 ]; then methods=(simsiam byol simclr mocov2 swav); fi

tfssl="$root/tfssl"
jar="$root/tf-ssl-bench/target/tf-ssl-bench-0.1.0-SNAPSHOT.jar"
lib="$root/tf-ssl-bench/target/lib"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$tfssl" --version >/dev/null   # build first, outside the timed runs

started="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
cpu_model="$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^[^:]*:[[:space:]]*//' || true)"
java_version="$(java -version 2>&1 | head -n 1)"
reports=()
commands=()
for method in "${methods[@]}"; do
  report="$work/demo-$method.json"
  # shellcheck disable=SC2086
  cmd="./tfssl demo --method $method ${DEMO_ARGS:+$DEMO_ARGS }--out RUN --saved-models MODELS --report demo-$method.json"
  echo "run-demo: $cmd" >&2
  # shellcheck disable=SC2086
  (cd "$root" && "$tfssl" demo --method "$method" ${DEMO_ARGS:-} --out "$work/runs/$method" \
      --saved-models "$work/saved_models" --report "$report") >&2
  reports+=("$report")
  commands+=("$cmd    # 1-min load average after: $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')")
done
finished="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
table="$(java -cp "$jar:$lib/*" io.tfssl.bench.DemoTable "${reports[@]}")"
machine="$(nproc) cores (nproc), CPU ${cpu_model:-unknown}, no GPU used, load average at start $load_before"

{
  echo "# The demo (\`./tfssl demo\`): pretrained vs random-init encoder on Fashion-MNIST"
  echo
  echo "Written by \`tf-ssl-bench/run-demo.sh\` from the runs' \`--report\` files; do not edit by hand."
  echo
  echo "- date: $started to $finished"
  echo "- machine: $machine"
  echo "- Java: $java_version; TensorFlow 2.18 (TensorFlow Java 1.1.0), oneDNN on (the launcher's default)"
  echo
  echo "Linear: frozen features, softmax classifier, lr and epochs chosen on a held-out 10% of train; kNN: k = 200,"
  echo "T = 0.1, the training split as the bank. Test split of Fashion-MNIST (10,000 images)."
  echo
  echo "$table"
  echo
  echo '```'
  printf '%s\n' "${commands[@]}"
  echo '```'
} >"$work/demo.md"

mkdir -p "$out_dir"
cp "$work/demo.md" "$out_dir/demo.md"
for r in "${reports[@]}"; do cp "$r" "$out_dir/"; done

# The README block between the markers gets the same table and machine line.
block="$work/block.md"
{
  echo "<!-- demo-results:start (written by tf-ssl-bench/run-demo.sh) -->"
  echo "$table"
  echo
  echo "Measured $started on $machine ([details](tf-ssl-bench/results/demo.md))."
  echo "<!-- demo-results:end -->"
} >"$block"
if grep -q '<!-- demo-results:start' "$readme"; then
  awk -v block="$block" '
    /<!-- demo-results:start/ { while ((getline line < block) > 0) print line; skip = 1; next }
    /<!-- demo-results:end -->/ { skip = 0; next }
    !skip { print }' "$readme" >"$work/readme" && cp "$work/readme" "$readme"
fi
echo "run-demo: wrote $out_dir/demo.md and updated $readme" >&2
