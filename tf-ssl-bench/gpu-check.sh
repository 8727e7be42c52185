#!/usr/bin/env bash
# Checks that tf-ssl trains on an NVIDIA GPU, and measures how fast, in one go (under 8 minutes on
# one modern GPU once the GPU build of TensorFlow is in ~/.m2). Writes everything to one file:
#   tf-ssl-bench/results/gpu-check.md     (and the raw bench lines in gpu-check.jsonl)
#
# 1. nvidia-smi must list a GPU (on a machine without one this fails at once, saying so).
# 2. Builds with the gpu profile (TFSSL_GPU=1 ./tfssl: mvn -Pgpu, tensorflow-core-native
#    linux-x86_64-gpu; it needs CUDA 12 and cuDNN 9 on the machine, README "GPU").
# 3. Pretrains briefly with --device gpu (SimSiam, ResNet-18, synthetic 64-pixel images), in fp32
#    and fp16. The trainer prints the devices TF sees, and its first step reads the graphs TF ran:
#    it fails unless the convolutions ran on the GPU (and, in fp16, unless TF rewrote them to
#    half precision); this script also checks the printed placement line.
#    With 2 or more GPUs, also --towers 2 (one replica per GPU, NCCL all-reduce, sync BN).
# 4. Benchmarks one training step (tfssl bench step --device gpu, synthetic data) in fp32 and fp16:
#    ResNet-50 BYOL and SimSiam at 224x224 batch 256, ResNet-18 (CIFAR stem) SimSiam at batch 512;
#    images/s from the median step, GPU memory from nvidia-smi (memory.used above the level before
#    the run, sampled every 0.2 s; TF grows its pool on demand, so this is what the run took).
#    bf16 is not benchmarked on the GPU: TF 2.18 rewrites to bfloat16 only ops on the CPU.
#
# Usage: tf-ssl-bench/gpu-check.sh
# Environment (defaults in brackets): STEPS [10] WARMUP [3] PRETRAIN_STEPS [30]
#   PRECISIONS ["fp32 fp16"] OUT_DIR [tf-ssl-bench/results]
# Exit status: 0 when every step passed; 1 otherwise (the results file says which failed).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out_dir="${OUT_DIR:-$here/results}"
steps="${STEPS:-10}"
warmup="${WARMUP:-3}"
pretrain_steps="${PRETRAIN_STEPS:-30}"
precisions="${PRECISIONS:-fp32 fp16}"
invocation="$(printf '%q ' "$0" "$@")"
invocation="${invocation% }"
tfssl="$root/tfssl"
jar="$root/tf-ssl-bench/target/tf-ssl-bench-0.1.0-SNAPSHOT.jar"
lib="$root/tf-ssl-bench/target/lib"
export TFSSL_GPU=1
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-1}"

log() { echo "gpu-check: $*" >&2; }
started_s=$SECONDS
started="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"

# ---- 1. a GPU and its driver ----
if ! command -v nvidia-smi >/dev/null 2>&1; then
  log "FAILED: nvidia-smi not found: this machine has no NVIDIA driver, so there is no GPU to check."
  log "On a CPU-only machine train with --device cpu (or auto); see README, section GPU."
  exit 1
fi
if ! nvidia-smi -L 2>/dev/null | grep -q '^GPU'; then
  log "FAILED: nvidia-smi lists no GPU:"
  nvidia-smi -L >&2 || true
  exit 1
fi
gpus="$(nvidia-smi --query-gpu=index,name,memory.total,driver_version,compute_cap --format=csv,noheader)"
log "GPU(s): $gpus"
smi_full="$(nvidia-smi)"

# Where the CUDA 12 / cuDNN 9 libraries TF dlopens are (docs/tensorflow-java.md §7: nothing is
# bundled).
find_lib() {
  local name="$1" d
  for d in ${LD_LIBRARY_PATH:+${LD_LIBRARY_PATH//:/ }}; do
    if compgen -G "$d/$name*" >/dev/null; then echo "$d"; return; fi
  done
  ldconfig -p 2>/dev/null | grep -m1 -F "$name" | sed 's/.*=> //' || true
}
cuda_libs=""
for l in libcudart.so.12 libcublas.so.12 libcudnn.so.9 libcufft.so.11 libcusolver.so.11 libcusparse.so.12; do
  where="$(find_lib "$l")"
  cuda_libs+="$l: ${where:-NOT FOUND}"$'\n'
  [ -n "$where" ] || log "warning: $l not found on LD_LIBRARY_PATH or by ldconfig; TF will not see the GPU without it"
done

# ---- 2. build with the gpu profile ----
log "building with -Pgpu (TFSSL_GPU=1 ./tfssl)"
"$tfssl" --version >/dev/null
compgen -G "$lib/tensorflow-core-native-*-linux-x86_64-gpu.jar" >/dev/null \
  || { log "FAILED: the build has no GPU native library in $lib"; exit 1; }
java_version="$(java -version 2>&1 | head -n 1)"

work="$(mktemp -d)"
trap 'kill "${sampler:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
failures=()

# ---- 3. short pretraining on the GPU, fp32 and fp16 ----
java -cp "$jar:$lib/*" io.tfssl.bench.SyntheticImageFolder "$work/images" 2048 10 64
pretrain_lines=""
# "placement: convolutions GPU:0 118; augmentation GPU:0 480, CPU:0 31; DT_HALF in ..." -> the
# convolutions part must name GPU:0 alone.
all_convs_on_gpu() {
  local convs="${1#placement: convolutions }"
  convs="${convs%%;*}"
  [[ "$convs" =~ ^GPU:0\ [0-9]+$ ]]
}
no_gpu=0
for precision in $precisions; do
  if [ "$no_gpu" = 1 ]; then
    pretrain_lines+="- \`--precision $precision\`: skipped (TensorFlow sees no GPU)"$'\n'
    continue
  fi
  args=(pretrain --method simsiam --preset simsiam-cifar --dataset folder --data-dir "$work/images"
    --image-size 64 --batch-size 128 --steps "$pretrain_steps" --log-every 10 --no-progress
    --device gpu --precision "$precision" --out "$work/run-$precision")
  log "./tfssl ${args[*]}"
  if "$tfssl" "${args[@]}" >"$work/pretrain.out" 2>"$work/pretrain.err"; then
    devices_line="$(grep -m1 '^TensorFlow ' "$work/pretrain.err" || true)"
    placement_line="$(grep -m1 '^placement: ' "$work/pretrain.err" || true)"
    summary="$(grep -m1 '^steps ' "$work/pretrain.out" || true)"
    if all_convs_on_gpu "$placement_line"; then
      verdict="passed: every convolution ran on GPU:0"
    else
      verdict="FAILED: not every convolution ran on GPU:0"
      failures+=("pretrain $precision: $placement_line")
    fi
  else
    devices_line="$(grep -m1 '^TensorFlow ' "$work/pretrain.err" || true)"
    placement_line="$(grep -m1 '^placement: ' "$work/pretrain.err" || true)"
    summary="$(grep -E '^(error|failed): ' "$work/pretrain.err" | head -n 1 || true)"
    verdict="FAILED (exit status != 0)"
    failures+=("pretrain $precision: ${summary:-see stderr}")
    if grep -q 'TensorFlow sees no GPU' "$work/pretrain.err"; then no_gpu=1; fi
    tail -n 20 "$work/pretrain.err" >&2
  fi
  log "pretrain $precision: $verdict"
  pretrain_lines+="- \`--precision $precision\`: $verdict"$'\n'
  pretrain_lines+="  - ${devices_line:-no device line}"$'\n'
  pretrain_lines+="  - ${placement_line:-no placement line}"$'\n'
  pretrain_lines+="  - ${summary:-no summary}"$'\n'
done

# ---- 3b. towers: one replica of the step per GPU, NCCL all-reduce (needs 2 or more GPUs) ----
gpu_count="$(nvidia-smi -L | grep -c '^GPU' || true)"
if [ "$no_gpu" = 1 ]; then
  towers_lines="- skipped (TensorFlow sees no GPU)"$'\n'
elif [ "$gpu_count" -lt 2 ]; then
  towers_lines="- skipped: nvidia-smi lists $gpu_count GPU, towers need 2 or more"$'\n'
else
  args=(pretrain --method simsiam --preset simsiam-cifar --dataset folder --data-dir "$work/images"
    --image-size 64 --batch-size 64 --steps "$pretrain_steps" --log-every 10 --no-progress
    --device gpu --towers 2 --sync-bn --communication nccl --out "$work/run-towers")
  log "./tfssl ${args[*]}"
  # The trainer itself fails unless GPU:0 and GPU:1 both ran convolutions and nothing else did.
  if "$tfssl" "${args[@]}" >"$work/towers.out" 2>"$work/towers.err"; then
    verdict="passed: the convolutions ran on GPU:0 and GPU:1 only"
    summary="$(grep -m1 '^steps ' "$work/towers.out" || true)"
  else
    verdict="FAILED (exit status != 0)"
    summary="$(grep -E '^(error|failed): ' "$work/towers.err" | head -n 1 || true)"
    failures+=("towers: ${summary:-see stderr}")
    tail -n 20 "$work/towers.err" >&2
  fi
  log "towers: $verdict"
  towers_lines="- \`--towers 2 --sync-bn --communication nccl\`, batch 2 x 64: $verdict"$'\n'
  towers_lines+="  - $(grep -m1 '^placement: ' "$work/towers.err" || echo 'no placement line')"$'\n'
  towers_lines+="  - ${summary:-no summary}"$'\n'
fi

# ---- 4. benchmarks ----
mem_used() { nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -i 0 | head -n 1 | tr -d ' '; }
commands=()
bench() { # method encoder image-size batch precision
  local args=(bench step --method "$1" --encoder "$2" --batch-size "$4" --device gpu
    --precision "$5" --steps "$steps" --warmup "$warmup" --json)
  if [ "$3" != 32 ]; then args+=(--image-size "$3"); fi
  local cmd="./tfssl ${args[*]}"
  log "$cmd"
  local before; before="$(mem_used)"
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -i 0 -lms 200 >"$work/mem" &
  sampler=$!
  local t0=$SECONDS ok=1
  "$tfssl" "${args[@]}" >"$work/line" 2>"$work/bench.err" || ok=0
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  local peak; peak="$(sort -n "$work/mem" | tail -n 1 | tr -d ' ')"
  local mem=$(( ${peak:-0} - ${before:-0} ))
  if [ "$ok" = 1 ] && [ "$(grep -c . "$work/line")" = 1 ]; then
    sed "s/}\$/,\"gpu_memory_mib\":$mem}/" "$work/line" >>"$work/gpu-check.jsonl"
    commands+=("$cmd    # $((SECONDS - t0)) s, GPU memory +$mem MiB")
  else
    failures+=("$cmd: $(grep -E '^(error|failed): ' "$work/bench.err" | head -n 1 || echo 'see stderr')")
    commands+=("$cmd    # FAILED after $((SECONDS - t0)) s")
    tail -n 20 "$work/bench.err" >&2
  fi
}
: >"$work/gpu-check.jsonl"
for precision in $precisions; do
  if [ "$no_gpu" = 1 ]; then
    commands+=("benchmarks skipped: TensorFlow sees no GPU (see Failures)")
    break
  fi
  bench byol resnet50 224 256 "$precision"
  bench simsiam resnet50 224 256 "$precision"
  bench simsiam resnet18 32 512 "$precision"
done
finished="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
elapsed=$((SECONDS - started_s))

table="(no benchmark line)"
tf_version="?"
if [ -s "$work/gpu-check.jsonl" ]; then
  table="$(java -cp "$jar:$lib/*" io.tfssl.bench.PrecisionBenchTable "$work/gpu-check.jsonl")"
  tf_version="$(head -n 1 "$work/gpu-check.jsonl" | sed -n 's/.*"tf_version":"\([^"]*\)".*/\1/p')"
fi
if [ "${#failures[@]}" = 0 ]; then verdict="PASSED"; else verdict="FAILED (${#failures[@]})"; fi

{
  echo "# GPU check (\`tf-ssl-bench/gpu-check.sh\`)"
  echo
  echo "Written by \`tf-ssl-bench/gpu-check.sh\` from its own runs; do not edit by hand."
  echo
  echo "- verdict: **$verdict** in ${elapsed} s"
  echo "- command: \`$invocation\` with STEPS=$steps WARMUP=$warmup PRETRAIN_STEPS=$pretrain_steps PRECISIONS=\"$precisions\""
  echo "- date: $started to $finished"
  echo "- machine: $(nproc) cores, CPU $(grep -m1 '^model name' /proc/cpuinfo | sed 's/^[^:]*:[[:space:]]*//' || echo unknown)"
  echo "- GPU (index, name, memory, driver, compute capability): $gpus"
  echo "- Java: $java_version"
  echo "- TensorFlow: $tf_version (TensorFlow Java 1.1.0, tensorflow-core-native linux-x86_64-gpu)"
  echo
  if [ "${#failures[@]}" != 0 ]; then
    echo "## Failures"
    echo
    printf -- '- %s\n' "${failures[@]}"
    echo
  fi
  echo "## Pretraining on the GPU (SimSiam, ResNet-18, 64 px synthetic images, batch 128, $pretrain_steps steps)"
  echo
  echo "The devices line is what TF sees; the placement line is read from the graphs TF ran at the first step."
  echo
  printf '%s' "$pretrain_lines"
  echo
  echo "## Towers: two GPUs in one graph"
  echo
  printf '%s' "$towers_lines"
  echo
  echo "## One training step, synthetic data"
  echo
  echo "Median of $steps timed steps after $warmup warm-up steps; network-only views (identity crop, view 2"
  echo "mirrored). GPU memory: peak nvidia-smi memory.used during the run minus the level before it."
  echo
  echo "$table"
  echo
  echo '```'
  printf '%s\n' "${commands[@]}"
  echo '```'
  echo
  echo "## CUDA libraries found"
  echo
  echo '```'
  printf '%s' "$cuda_libs"
  echo '```'
  echo
  echo "## nvidia-smi"
  echo
  echo '```'
  echo "$smi_full"
  echo '```'
} >"$work/gpu-check.md"

mkdir -p "$out_dir"
mv "$work/gpu-check.md" "$out_dir/gpu-check.md"
mv "$work/gpu-check.jsonl" "$out_dir/gpu-check.jsonl"
log "$verdict in ${elapsed} s; wrote $out_dir/gpu-check.md"
[ "${#failures[@]}" = 0 ]
