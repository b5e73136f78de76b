#!/usr/bin/env bash
# Everything one device call does for the decode-attention benchmarks, from the bundle that
# scripts/device-bundle makes (carry .gpu and bench): ours against PyTorch SDPA
# (bench/compare.sh), the attention and select tests on every device there, a sweep of the
# flash-decode chunk size at 128K, the compiler's resource report of the kernels, and Nsight
# Compute profiles of the dense attend kernel and SOCKET's scores. Every log goes into
# $OUT/logs.tgz; the tables come last.
#   bench/gpu-session.sh
set -u
out=${OUT:-out}
logs=$(mktemp -d)
mkdir -p "$out"
java=.gpu/java
bench="$java sparse.examples.Main bench --device cuda:0"

nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,temperature.gpu,power.draw \
  --format=csv >"$logs/gpu.txt" 2>&1

# 1. ours and the peer on the same shapes
OUT=$logs timeout 150 bench/compare.sh >"$logs/compare.txt" 2>&1
echo "compare: exit $?" >>"$logs/compare.txt"

# 2. the attention and select tests on cuda, opencl and jvm
timeout 100 $java org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=tree \
  --select-class sparse.engine.attention.dense.DenseAttentionTest \
  --select-class sparse.engine.attention.socket.RadixSelectOnDevicesTest \
  --select-class sparse.engine.attention.socket.SocketAttentionTest \
  --select-class sparse.engine.attention.streaming.StreamingAttentionTest >"$logs/tests.log" 2>&1
echo "tests: exit $?" >>"$logs/tests.log"

# 3. flash-decode chunk size (tiles of 32 keys) for dense at 128K
for tiles in 4 8 16 32; do
  timeout 25 $bench --json --stages --context 131072 --method dense --repeats 20 --tiles-per-chunk $tiles |
    sed "s/^{/{\"tiles\":$tiles,/"
done >"$logs/sweep.jsonl" 2>"$logs/sweep.err"

# 4. registers, shared memory and the loads of the kernels as the driver compiles them
for f in "$HOME"/.cache/sparse/ptx/*.ptx; do
  if grep -q -E "decodeGroupOverIndexList|radixSelectPass|softCollisionScoresFromBytes" "$f"; then
    ptxas -arch=sm_90 -v "$f" -o "$logs/k.cubin" 2>&1 | grep -E "entry|Used" 
    cuobjdump -sass "$logs/k.cubin" >>"$logs/sass.txt" 2>&1
  fi
done >"$logs/ptxas.txt" 2>&1
rm -f "$logs/k.cubin"

# 5. the dense attend kernel and SOCKET's scores at 128K under Nsight Compute
sections="--section SpeedOfLight --section Occupancy --section LaunchStats --section MemoryWorkloadAnalysis
  --section WarpStateStats --section SchedulerStats"
timeout 45 ncu --target-processes all --clock-control none -k regex:decodeGroupOverIndexList -s 4 -c 1 $sections \
  $bench --context 131072 --method dense --repeats 2 >"$logs/ncu.txt" 2>&1
echo "ncu: exit $?" >>"$logs/ncu.txt"
timeout 45 ncu --target-processes all --clock-control none -k regex:softCollisionScores -s 2 -c 1 $sections \
  $bench --context 131072 --method socket --repeats 2 >"$logs/ncu-scores.txt" 2>&1
echo "ncu: exit $?" >>"$logs/ncu-scores.txt"

tar -czf "$out/logs.tgz" -C "$logs" .
echo "== gpu"; cat "$logs/gpu.txt"
echo "== tests"; grep -E "tests (successful|failed|aborted)|exit" "$logs/tests.log"; grep -E "✘" "$logs/tests.log" | head -5
echo "== ptxas"; paste - - <"$logs/ptxas.txt" | grep -E "decodeGroup|mergeChunk|radix|FromBytes" | \
  sed -e "s/ptxas info *: Compiling entry function//" -e "s/for 'sm_90'//" -e "s/ptxas info *: Used//" | sort -u
echo "== ncu (dense attend, then SOCKET scores, 128K)"
for f in ncu.txt ncu-scores.txt; do
  grep -E "DRAM Throughput|L1/TEX Cache Throughput|Duration|Achieved Occupancy|Registers Per|Issued Warp|stalled" "$logs/$f" | head -8
done
echo "== chunk sweep, dense at 128K (tiles of 32 keys per chunk: median_us, of_copy, stages)"
python3 - "$logs/sweep.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    if line.startswith("{"):
        r = json.loads(line)
        print(r["tiles"], f"{r['median_us']:.1f}", f"{r['fraction_of_copy']:.2f}", r.get("stages_us"))
PY
echo "== compare"; tail -n 20 "$logs/compare.txt"
