#!/usr/bin/env bash
# CPU step time in fp32 and bf16 (`tfssl bench step --device cpu --precision P --json`), written
# from the measurements:
#   results/precision-bench.jsonl  the raw JSON lines, one per run
#   results/precision-bench.md     a table (images/s, speed against fp32, how many conv/matmul ops
#                                  TF really ran in bfloat16), headed by the command, date, machine
#
# Configurations: SimSiam with the small encoder (28x28x1) at batch 256 and resnet18 with the
# CIFAR stem (32x32x3) at batch 64, network-only views, each in fp32 and bf16 (4 runs).
#
# bf16 is TF's oneDNN rewrite; it is fast only on CPUs with AVX512-BF16 or AMX. Without AVX-512
# TF falls back to Eigen's bfloat16 kernels, whose convolution gradients are far slower than
# fp32 (seen on a 2-core AVX2 EPYC: a resnet18 step of batch 8 took about 40 s in bf16, a batch of
# 64 about 4 s in fp32), so the defaults keep the resnet18 runs short; expect about 30 minutes
# there in all. Run it on a quiet machine: other work on the cores inflates the times.
#
# Usage: tf-ssl-bench/run-precision-bench.sh
# Environment (defaults in brackets): METHOD [simsiam] SMALL_BATCH [256] SMALL_STEPS [10]
#   SMALL_WARMUP [2] RESNET_BATCH [64] RESNET_STEPS [3] RESNET_WARMUP [1] THREADS [0 = TF's choice]
#   PRECISIONS ["fp32 bf16"] OUT_DIR [tf-ssl-bench/results]; TF_ENABLE_ONEDNN_OPTS passes through
#   (bf16 needs it on; the launcher defaults it to 1).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out_dir="${OUT_DIR:-$here/results}"
method="${METHOD:-simsiam}"
small_batch="${SMALL_BATCH:-256}"
small_steps="${SMALL_STEPS:-10}"
small_warmup="${SMALL_WARMUP:-2}"
resnet_batch="${RESNET_BATCH:-64}"
resnet_steps="${RESNET_STEPS:-3}"
resnet_warmup="${RESNET_WARMUP:-1}"
threads="${THREADS:-0}"
precisions="${PRECISIONS:-fp32 bf16}"
invocation="$(printf '%q ' "$0" "$@")"
invocation="${invocation% }"
env_used="METHOD=$method SMALL_BATCH=$small_batch SMALL_STEPS=$small_steps SMALL_WARMUP=$small_warmup RESNET_BATCH=$resnet_batch RESNET_STEPS=$resnet_steps RESNET_WARMUP=$resnet_warmup THREADS=$threads PRECISIONS=\"$precisions\""

tfssl="$root/tfssl"
jar="$root/tf-ssl-bench/target/tf-ssl-bench-0.1.0-SNAPSHOT.jar"
lib="$root/tf-ssl-bench/target/lib"

loadavg() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?'; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$tfssl" --version >/dev/null

started="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
cpu_model="$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^[^:]*:[[:space:]]*//' || true)"
cpu_bf16="$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx512f|avx512_bf16|amx_bf16)$' | paste -sd ' ' - || true)"
java_version="$(java -version 2>&1 | head -n 1)"
if [ -n "${TF_ENABLE_ONEDNN_OPTS:-}" ]; then
  onednn="$TF_ENABLE_ONEDNN_OPTS"
else
  onednn="1 (the tfssl launcher's default)"
fi

commands=()
for encoder in small resnet18; do
  if [ "$encoder" = small ]; then
    batch="$small_batch"; steps="$small_steps"; warmup="$small_warmup"
  else
    batch="$resnet_batch"; steps="$resnet_steps"; warmup="$resnet_warmup"
  fi
  for precision in $precisions; do
    args=(bench step --method "$method" --encoder "$encoder" --batch-size "$batch"
      --device cpu --precision "$precision" --steps "$steps" --warmup "$warmup"
      --threads "$threads" --json)
    cmd="./tfssl ${args[*]}"
    echo "run-precision-bench: $cmd" >&2
    load_start="$(loadavg)"
    if ! (cd "$root" && "$tfssl" "${args[@]}") >"$work/line" 2>"$work/stderr"; then
      echo "run-precision-bench: failed: $cmd" >&2
      tail -n 20 "$work/stderr" >&2
      exit 1
    fi
    if [ "$(grep -c . "$work/line")" != 1 ]; then
      echo "run-precision-bench: expected one JSON line from: $cmd" >&2
      cat "$work/line" >&2
      exit 1
    fi
    commands+=("$cmd    # 1-min load average $load_start before, $(loadavg) after")
    cat "$work/line" >>"$work/precision-bench.jsonl"
    cat "$work/line" >&2
  done
done
finished="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"

tf_version="$(head -n 1 "$work/precision-bench.jsonl" | sed -n 's/.*"tf_version":"\([^"]*\)".*/\1/p')"
table="$(java -cp "$jar:$lib/*" io.tfssl.bench.PrecisionBenchTable "$work/precision-bench.jsonl")"

{
  echo "# CPU step time, fp32 and bf16 (\`tfssl bench step --precision\`)"
  echo
  echo "Written by \`tf-ssl-bench/run-precision-bench.sh\` from the measurements in \`precision-bench.jsonl\`; do not edit by hand."
  echo
  echo "- command: \`$invocation\` with $env_used"
  echo "- date: $started to $finished"
  echo "- machine: $(nproc) cores (nproc), CPU ${cpu_model:-unknown}, bf16-relevant CPU flags: ${cpu_bf16:-none (no AVX-512)}, load average at start $load_before"
  echo "- Java: $java_version"
  echo "- TensorFlow: $tf_version (TensorFlow Java 1.1.0), TF_ENABLE_ONEDNN_OPTS=$onednn"
  echo
  echo "One step = both views, forward, backward, optimizer update, BN statistics; one fixed batch"
  echo "of random bytes, network-only views. bf16 = TF's oneDNN auto mixed precision rewrite"
  echo "(weights stay float32); \"16-bit conv/matmul ops\" counts the ops that ran in DT_BFLOAT16 in"
  echo "the graph TF executed. Median over the timed steps; images/s = batch / median."
  echo
  echo "$table"
  echo
  echo "Runs, with the 1-minute load average before and after each:"
  echo
  echo '```'
  printf '%s\n' "${commands[@]}"
  echo '```'
} >"$work/precision-bench.md"

mkdir -p "$out_dir"
mv "$work/precision-bench.jsonl" "$out_dir/precision-bench.jsonl"
mv "$work/precision-bench.md" "$out_dir/precision-bench.md"
echo "run-precision-bench: wrote $out_dir/precision-bench.md and $out_dir/precision-bench.jsonl" >&2
