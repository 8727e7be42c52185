#!/usr/bin/env bash
# Scaling of synchronous data-parallel pretraining from 1 to 2 workers on this machine: worker
# processes on 127.0.0.1 (`tfssl pretrain --cluster ... --task-index i`: TensorFlow gRPC servers,
# collective all-reduce), against one plain process; and towers (`--towers 2`: two replicas in
# one graph, here on two CPU devices sharing the same cores). Writes from the measurements:
#   results/cluster-scaling.jsonl  one JSON line per run
#   results/cluster-scaling.md     a table, headed by the command, date, machine, Java and TF versions
#
# Runs (SimSiam, fmnist-small preset, Fashion-MNIST):
#   one process, batch B                    the baseline without the distributed runtime
#   1 worker,  batch B                      the same through a TF server and its session
#   2 workers, batch B each (global 2B)     weak scaling: the usual way to add workers
#   2 workers, batch B/2 each (global B)    strong scaling: the same global batch
#   2 workers, batch B each, --sync-bn      the cost of synchronized batch norm
#   1 process, 2 towers, batch B/2 each      towers in one graph, the same global batch
#   2 workers x 2 towers, batch B/2 each     both, global 2B
# images/s counts the global batch; it is the median over the logged windows after the first
# (which holds the graph's warm-up), read from the chief's metrics.jsonl.
#
# Usage: tf-ssl-bench/run-cluster-bench.sh
# Environment (defaults in brackets): STEPS [60] LOG_EVERY [10] BATCH [64] THREADS [0 = TF's
#   choice, per process] OUT_DIR [tf-ssl-bench/results]; TF_ENABLE_ONEDNN_OPTS passes through.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out_dir="${OUT_DIR:-$here/results}"
steps="${STEPS:-60}"
log_every="${LOG_EVERY:-10}"
batch="${BATCH:-64}"
threads="${THREADS:-0}"
invocation="$(printf '%q ' "$0" "$@")"
invocation="${invocation% }"
env_used="STEPS=$steps LOG_EVERY=$log_every BATCH=$batch THREADS=$threads"
tfssl="$root/tfssl"

loadavg() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?'; }

# A port nothing listens on now (the worker's server binds it a moment later).
free_port() {
  local p
  while true; do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
}

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

"$tfssl" --version >/dev/null   # build once, before anything is timed

started="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
cpu_model="$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^[^:]*:[[:space:]]*//' || true)"
java_version="$(java -version 2>&1 | head -n 1)"
if [ -n "${TF_ENABLE_ONEDNN_OPTS:-}" ]; then
  onednn="$TF_ENABLE_ONEDNN_OPTS"
else
  onednn="1 (the tfssl launcher default)"
fi
common=(pretrain --method simsiam --preset fmnist-small --steps "$steps" --log-every "$log_every"
  --checkpoint-every 100000 --threads "$threads" --no-progress)

# Median of the images_per_sec of every metrics record but the first.
median_rate() {
  sed -n 's/.*"images_per_sec":\([0-9.eE+-]*\).*/\1/p' "$1" | tail -n +2 | sort -g \
    | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan" } else if (NR % 2) { print v[(NR + 1) / 2] } else { print (v[NR / 2] + v[NR / 2 + 1]) / 2 } }'
}

# run NAME WORKERS PER_REPLICA_BATCH SYNC_BN(yes|no) [TOWERS]; WORKERS 0 = one plain process
run() {
  local name="$1" workers="$2" per_worker="$3" sync_bn="$4" towers="${5:-1}"
  local dir="$work/run-$(echo "$name" | tr ' /,' '---')"
  local load_start t0 t1 i cluster="" args
  load_start="$(loadavg)"
  t0="$(date +%s.%N)"
  echo "run-cluster-bench: $name" >&2
  if [ "$workers" = 0 ]; then
    args=("${common[@]}" --batch-size "$per_worker" --out "$dir")
    if [ "$towers" -gt 1 ]; then args+=(--towers "$towers"); fi
    if ! (cd "$root" && "$tfssl" "${args[@]}") >"$work/out-0" 2>"$work/err-0"; then
      echo "run-cluster-bench: failed: $name" >&2
      tail -n 20 "$work/err-0" >&2
      exit 1
    fi
  else
    for ((i = 0; i < workers; i++)); do
      cluster="${cluster:+$cluster,}127.0.0.1:$(free_port)"
    done
    pids=()
    for ((i = 0; i < workers; i++)); do
      args=("${common[@]}" --batch-size "$per_worker" --out "$dir" --cluster "$cluster"
        --task-index "$i")
      if [ "$sync_bn" = yes ]; then args+=(--sync-bn); fi
      if [ "$towers" -gt 1 ]; then args+=(--towers "$towers"); fi
      (cd "$root" && exec "$tfssl" "${args[@]}") >"$work/out-$i" 2>"$work/err-$i" &
      pids+=("$!")
    done
    for ((i = 0; i < workers; i++)); do
      if ! wait "${pids[$i]}"; then
        echo "run-cluster-bench: worker $i failed: $name" >&2
        tail -n 20 "$work/err-$i" >&2
        exit 1
      fi
    done
    pids=()
  fi
  t1="$(date +%s.%N)"
  local rate global
  rate="$(median_rate "$dir/metrics.jsonl")"
  global=$((per_worker * towers * (workers == 0 ? 1 : workers)))
  printf '{"run":"%s","workers":%d,"towers":%d,"per_replica_batch":%d,"global_batch":%d,"sync_bn":%s,"steps":%d,"median_images_per_sec":%s,"ms_per_step":%s,"wall_seconds":%s,"load_before":"%s","load_after":"%s"}\n' \
    "$name" "$workers" "$towers" "$per_worker" "$global" "$([ "$sync_bn" = yes ] && echo true || echo false)" \
    "$steps" "$rate" "$(awk -v b="$global" -v r="$rate" 'BEGIN { printf "%.1f", 1000 * b / r }')" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" "$load_start" "$(loadavg)" \
    | tee -a "$work/cluster-scaling.jsonl" >&2
}

run "one process" 0 "$batch" no
run "1 worker" 1 "$batch" no
run "2 workers, same per-worker batch" 2 "$batch" no
run "2 workers, same global batch" 2 "$((batch / 2))" no
run "2 workers, same per-worker batch, sync BN" 2 "$batch" yes
run "1 process, 2 towers, same global batch" 0 "$((batch / 2))" no 2
run "2 workers x 2 towers" 2 "$((batch / 2))" no 2
finished="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"

one_worker="$(sed -n '2p' "$work/cluster-scaling.jsonl" | sed -n 's/.*"median_images_per_sec":\([0-9.eE+-]*\).*/\1/p')"
{
  echo "# Scaling from 1 to 2 workers (\`tfssl pretrain --cluster\`) and towers (\`--towers\`)"
  echo
  echo "Written by \`tf-ssl-bench/run-cluster-bench.sh\` from the measurements in \`cluster-scaling.jsonl\`; do not edit by hand."
  echo
  echo "- command: \`$invocation\` with $env_used"
  echo "- date: $started to $finished"
  echo "- machine: $(nproc) cores (nproc), CPU ${cpu_model:-unknown}, load average at start $load_before"
  echo "- Java: $java_version; TF_ENABLE_ONEDNN_OPTS=$onednn"
  echo
  echo "SimSiam, \`small\` encoder, fmnist-small preset, $steps steps, workers on 127.0.0.1. images/s"
  echo "counts the global batch (all workers); median over the logged windows of $log_every steps after"
  echo "the first. All workers share this machine's cores, so no speed-up is expected here: the"
  echo "runs show what the distributed runtime and the all-reduce cost, not what more machines gain."
  echo
  echo "| run | workers | towers | batch per replica | global batch | images/s | ms/step | vs 1 worker | wall s (with start-up) | load before/after |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  while IFS= read -r line; do
    text() { echo "$line" | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
    field() { echo "$line" | sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p"; }
    rate="$(field median_images_per_sec)"
    echo "| $(text run) | $(field workers) | $(field towers) | $(field per_replica_batch) | $(field global_batch) | $(awk -v r="$rate" 'BEGIN { printf "%.0f", r }') | $(field ms_per_step) | $(awk -v r="$rate" -v o="$one_worker" 'BEGIN { printf "%.2fx", r / o }') | $(field wall_seconds) | $(text load_before) / $(text load_after) |"
  done <"$work/cluster-scaling.jsonl"
  echo
  echo "workers 0 = one process (no TF server). Towers here are CPU devices of one process that share"
  echo "the same cores, so they measure the cost of the replicas and their all-reduce, not a GPU's gain."
  echo "A 1-minute load average above the core count"
  echo "($(nproc) here) means other work shared the cores and the rates are lower than they would be."
} >"$work/cluster-scaling.md"

mkdir -p "$out_dir"
mv "$work/cluster-scaling.jsonl" "$out_dir/cluster-scaling.jsonl"
mv "$work/cluster-scaling.md" "$out_dir/cluster-scaling.md"
echo "run-cluster-bench: wrote $out_dir/cluster-scaling.md and $out_dir/cluster-scaling.jsonl" >&2
