#!/usr/bin/env bash
# The measurements behind the collapse rule (README, "Collapse monitors"): every method's
# collapse monitors during a short healthy run, and SimSiam without stop-gradient (Fig. 2) as the
# collapsing case, then the effective rank of each run's export in inference mode and of the same
# encoder untrained. Writes results/collapse-rank.md, headed by the command, date, machine, Java
# and TF versions.
#
# Runs: ./tfssl pretrain --preset fmnist-small --steps STEPS --log-every LOG_EVERY for simsiam,
# simsiam --no-stop-gradient, byol, simclr, mocov2 and swav; ./tfssl export; ./tfssl eval rank
# (with --baseline random-init for the first). About 40 minutes on 2 cores.
#
# Usage: tf-ssl-bench/run-collapse-rank.sh
# Environment (defaults in brackets): STEPS [300] LOG_EVERY [50] OUT_DIR [tf-ssl-bench/results]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out_dir="${OUT_DIR:-$here/results}"
steps="${STEPS:-300}"
log_every="${LOG_EVERY:-50}"
invocation="$(printf '%q ' "$0" "$@")"
invocation="${invocation% } (STEPS=$steps LOG_EVERY=$log_every)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Build once, then run from a copy of the jars: a source edited while this runs (it takes a
# while) must not make the launcher rebuild under the later runs.
"$root/tfssl" --version >/dev/null
cp -r "$root/tf-ssl-bench/target/lib" "$work/lib"
cp "$root/tf-ssl-bench/target/tf-ssl-bench-0.1.0-SNAPSHOT.jar" "$work/tf-ssl-bench.jar"
export TF_ENABLE_ONEDNN_OPTS="${TF_ENABLE_ONEDNN_OPTS:-1}"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
tfssl() { (cd "$root" && java -Xmx4g -cp "$work/tf-ssl-bench.jar:$work/lib/*" io.tfssl.cli.TfSsl "$@"); }
loadavg() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?'; }

rule_pct="$(sed -n 's/.*RANK_Y_COLLAPSED_BELOW = \([0-9.]*\);.*/\1/p' \
  "$root/tf-ssl/src/main/java/io/tfssl/train/CollapseMonitor.java" | awk '{print $1 * 100}')"
started="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
cpu_model="$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^[^:]*:[[:space:]]*//' || true)"
java_version="$(java -version 2>&1 | head -n 1)"

names=(simsiam simsiam-no-sg byol simclr mocov2 swav)
declare -A extra=([simsiam]="--method simsiam" [simsiam-no-sg]="--method simsiam --no-stop-gradient"
  [byol]="--method byol" [simclr]="--method simclr" [mocov2]="--method mocov2" [swav]="--method swav")
summary=()
details=()
first=1
for name in "${names[@]}"; do
  # shellcheck disable=SC2206
  args=(pretrain ${extra[$name]} --preset fmnist-small --steps "$steps" --log-every "$log_every"
    --no-progress --out "$work/runs/$name")
  echo "run-collapse-rank: ./tfssl ${args[*]}" >&2
  load_start="$(loadavg)"
  tfssl "${args[@]}" >"$work/$name.log" 2>&1 || { tail -n 20 "$work/$name.log" >&2; exit 1; }
  tfssl export --run "$work/runs/$name" --name "$name" --saved-models "$work/sm" \
    >>"$work/$name.log" 2>&1 || { tail -n 20 "$work/$name.log" >&2; exit 1; }
  rank_args=(eval rank --model "$work/sm/$name/1")
  if [ "$first" = 1 ]; then rank_args+=(--baseline random-init); fi
  tfssl "${rank_args[@]}" >"$work/$name.rank" 2>&1 || { tail -n 20 "$work/$name.rank" >&2; exit 1; }
  # The trainer's own lines: the first collapse warning, the logged steps, the summary.
  final="$(grep '^steps 0\.\.' "$work/$name.log" | tail -n 1)"
  warning="$(grep -m1 '^warning: step' "$work/$name.log" || echo 'no collapse warning')"
  pretrained="$(grep -m1 '^  pretrained' "$work/$name.rank" | sed 's/^  pretrained *//')"
  summary+=("| $name | ${final#steps } | $pretrained | ${warning#warning: } |")
  if [ "$first" = 1 ]; then
    untrained="$(grep -m1 '^  random init' "$work/$name.rank" | sed 's/^  random init *//')"
    summary+=("| untrained encoder (simsiam's, random init) | - | $untrained | - |")
  fi
  details+=("## $name" "" '```' "./tfssl ${args[*]/#$work/…}    # 1-min load average $load_start before, $(loadavg) after")
  while IFS= read -r l; do details+=("$l"); done < <(grep -E '^(warning: step|step [0-9]+/|steps 0\.\.)' "$work/$name.log")
  details+=('```' "")
  first=0
done
finished="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
tf_version="$(grep -m1 -o 'TensorFlow [0-9][0-9.]*' "$work/simsiam.log" || echo 'TensorFlow ?')"

mkdir -p "$out_dir"
{
  echo "# Collapse monitors: std·√d and effective rank (RankMe) of every method"
  echo
  echo "Written by \`tf-ssl-bench/run-collapse-rank.sh\`; do not edit by hand."
  echo
  echo "- command: \`$invocation\`"
  echo "- date: $started to $finished"
  echo "- machine: $(nproc) cores (nproc), CPU ${cpu_model:-unknown}, GPU: none used"
  echo "- Java: $java_version; $tf_version (TensorFlow Java 1.1.0)"
  echo "- every run: \`--preset fmnist-small\` (batch 256), $steps steps; monitors on the training"
  echo "  batch (BN in training mode, augmented views) every $log_every steps; export ranks on the"
  echo "  first 1,024 test images in inference mode (\`./tfssl eval rank\`)"
  echo
  echo "| run | last logged step: loss, std·√d of z, RankMe of y and z (training batch) |" \
    "export: RankMe of embedding / projection (1,024 test images) | collapse warning |"
  echo "|---|---|---|---|"
  printf '%s\n' "${summary[@]}"
  echo
  echo "The rule in force for these runs (\`CollapseMonitor.Reading\`): collapsed when std·√d of z"
  echo "< 0.2 or the RankMe of y < $rule_pct% of min(batch, d of y). The logged lines of each run:"
  echo
  printf '%s\n' "${details[@]}"
} >"$out_dir/collapse-rank.md"
echo "run-collapse-rank: wrote $out_dir/collapse-rank.md" >&2
