#!/usr/bin/env bash
# Times one full training step (`tfssl bench step --json`) for the configurations of the
# step-time issue and writes the results from the measurements:
#   results/step-bench.jsonl  the raw JSON lines, one per run
#   results/step-bench.md     a table, headed by the command, date, machine, Java and TF versions
#
# Configurations: small encoder (28x28x1) at batch 256 and resnet18 with the CIFAR stem (32x32x3)
# at batch 64, SimSiam and BYOL, each without and with --augment (8 runs).
#
# Usage: tf-ssl-bench/run-step-bench.sh
# Environment (defaults in brackets): SMALL_STEPS [20] SMALL_WARMUP [3] RESNET_STEPS [5]
#   RESNET_WARMUP [2] THREADS [0 = TF's choice] OUT_DIR [tf-ssl-bench/results]; TensorFlow's own
#   TF_ENABLE_ONEDNN_OPTS passes through (the launcher defaults it to 1; recorded in the results).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out_dir="${OUT_DIR:-$here/results}"
small_steps="${SMALL_STEPS:-20}"
small_warmup="${SMALL_WARMUP:-3}"
resnet_steps="${RESNET_STEPS:-5}"
resnet_warmup="${RESNET_WARMUP:-2}"
threads="${THREADS:-0}"
invocation="$(printf '%q ' "$0" "$@")"
invocation="${invocation% }"
env_used="SMALL_STEPS=$small_steps SMALL_WARMUP=$small_warmup RESNET_STEPS=$resnet_steps RESNET_WARMUP=$resnet_warmup THREADS=$threads"

tfssl="$root/tfssl"
jar="$root/tf-ssl-bench/target/tf-ssl-bench-0.1.0-SNAPSHOT.jar"
lib="$root/tf-ssl-bench/target/lib"

# 1-minute load average: the machine may be shared, and other work there slows the steps down.
loadavg() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?'; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Build once (the launcher rebuilds when sources changed) before anything is timed.
"$tfssl" --version >/dev/null

started="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
cpu_model="$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^[^:]*:[[:space:]]*//' || true)"
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
  gpu="$(nvidia-smi -L | paste -sd ';' -) (the CPU build of TF ignores it unless built with -Pgpu)"
else
  gpu="none"
fi
java_version="$(java -version 2>&1 | head -n 1)"
# The launcher sets TF_ENABLE_ONEDNN_OPTS=1 unless it is set already: record what the runs saw.
if [ -n "${TF_ENABLE_ONEDNN_OPTS:-}" ]; then
  onednn="=$TF_ENABLE_ONEDNN_OPTS"
else
  onednn="=1 (the tfssl launcher's default)"
fi

commands=()
for encoder in small resnet18; do
  if [ "$encoder" = small ]; then
    batch=256; steps="$small_steps"; warmup="$small_warmup"
  else
    batch=64; steps="$resnet_steps"; warmup="$resnet_warmup"
  fi
  for method in simsiam byol; do
    for augment in "" "--augment"; do
      args=(bench step --method "$method" --encoder "$encoder" --batch-size "$batch")
      if [ -n "$augment" ]; then args+=("$augment"); fi
      args+=(--steps "$steps" --warmup "$warmup" --threads "$threads" --json)
      cmd="./tfssl ${args[*]}"
      echo "run-step-bench: $cmd" >&2
      load_start="$(loadavg)"
      if ! (cd "$root" && "$tfssl" "${args[@]}") >"$work/line" 2>"$work/stderr"; then
        echo "run-step-bench: failed: $cmd" >&2
        tail -n 20 "$work/stderr" >&2
        exit 1
      fi
      if [ "$(grep -c . "$work/line")" != 1 ]; then
        echo "run-step-bench: expected one JSON line from: $cmd" >&2
        cat "$work/line" >&2
        exit 1
      fi
      commands+=("$cmd    # 1-min load average $load_start before, $(loadavg) after")
      cat "$work/line" >>"$work/step-bench.jsonl"
      cat "$work/line" >&2
    done
  done
done
finished="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"

tf_version="$(head -n 1 "$work/step-bench.jsonl" | sed -n 's/.*"tf_version":"\([^"]*\)".*/\1/p')"
table="$(java -cp "$jar:$lib/*" io.tfssl.bench.StepBenchTable "$work/step-bench.jsonl")"

{
  echo "# Training-step benchmark (\`tfssl bench step\`)"
  echo
  echo "Written by \`tf-ssl-bench/run-step-bench.sh\` from the measurements in \`step-bench.jsonl\`; do not edit by hand."
  echo
  echo "- command: \`$invocation\` with $env_used"
  echo "- date: $started to $finished"
  echo "- machine: $(nproc) cores (nproc), CPU ${cpu_model:-unknown}, GPU: $gpu, load average at start $load_before"
  echo "- Java: $java_version"
  echo "- TensorFlow: $tf_version (TensorFlow Java 1.1.0), TF_ENABLE_ONEDNN_OPTS $onednn"
  echo
  echo "One step = both views, forward, backward, optimizer update (SimSiam SGD, BYOL LARS), BN"
  echo "statistics, BYOL's target EMA, global step; one fixed batch of random bytes fed every step."
  echo "Heads: SimSiam projector 2048-2048, predictor 512-2048; BYOL projector and predictor 4096-256."
  echo "Median over the timed steps; images/s = batch / median; GFLOP/s = step FLOPs per image x batch /"
  echo "median (step FLOPs = 3 x trained forward over both views + BYOL's target forward)."
  echo
  echo "$table"
  echo
  echo "Runs, with the 1-minute load average before and after each (a run itself adds about the core count,"
  echo "$(nproc) here; more than that, or a high value before, means other work shared the cores and the times are inflated):"
  echo
  echo '```'
  printf '%s\n' "${commands[@]}"
  echo '```'
} >"$work/step-bench.md"

mkdir -p "$out_dir"
mv "$work/step-bench.jsonl" "$out_dir/step-bench.jsonl"
mv "$work/step-bench.md" "$out_dir/step-bench.md"
echo "run-step-bench: wrote $out_dir/step-bench.md and $out_dir/step-bench.jsonl" >&2
