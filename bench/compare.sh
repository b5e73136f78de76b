#!/usr/bin/env bash
# Our decode step against PyTorch SDPA (flash, cuDNN) on the same shapes, in one go, on the GPU
# machine, from the bundle that scripts/device-bundle makes:
#   bench/compare.sh [BENCH ARGS...]      e.g. bench/compare.sh --repeats 50
# Environment: CONTEXTS (default 16384,32768,65536,131072), BATCHES (sequences per step,
# default 1), METHODS (default dense,socket,socket-shared), DEVICE (default cuda:0), OUT (logs;
# default ./out).
# Writes $OUT/ours.jsonl and $OUT/peer.jsonl (one JSON object per line) and prints a table:
# ours, theirs, and the ratio of the times (below 1: ours is faster).
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-out}
mkdir -p "$out"
contexts=${CONTEXTS:-16384,32768,65536,131072}
batches=${BATCHES:-1}
methods=${METHODS:-dense,socket,socket-shared}
java=${JAVA:-.gpu/java}
"$java" sparse.examples.Main bench --json --stages --device "${DEVICE:-cuda:0}" --context "$contexts" \
  --batch "$batches" --method "$methods" "$@" >"$out/ours.jsonl" 2>"$out/ours.err"
echo "ours: exit $? ($(wc -l <"$out/ours.jsonl") lines; errors in $out/ours.err)"
PYTHONUNBUFFERED=1 python3 "$here/sdpa_peer.py" --context "$contexts" --batch "$batches" >"$out/peer.jsonl" 2>"$out/peer.err"
echo "peer: exit $? ($(wc -l <"$out/peer.jsonl") lines; errors in $out/peer.err)"
python3 - "$out/ours.jsonl" "$out/peer.jsonl" <<'PY'
import json, sys
def load(path):
    rows = []
    for line in open(path):
        line = line.strip()
        if line.startswith("{"):
            rows.append(json.loads(line))
    return rows
ours, peer = load(sys.argv[1]), load(sys.argv[2])
theirs = {(r["backend"], r["context"], r.get("batch", 1)): r.get("median_us") for r in peer
          if r.get("peer") == "pytorch-sdpa"}
copy = [r["gbps"] for r in peer if r.get("backend") == "copy"]
launch = [r["median_us"] for r in peer if r.get("backend") == "launch"]
if ours:
    print(f"device: {ours[0]['device']}; copy bandwidth: ours {ours[0]['copy_gbps']:.0f} GB/s (vector add)"
          + (f", torch {copy[0]:.0f} GB/s (copy_)" if copy else "")
          + f"; an empty timed launch {ours[0]['launch_us']:.1f} us"
          + (f" (torch: a one-element add {launch[0]:.1f} us)" if launch else ""))
print("ours_us: device events before the step's first launch and after its last, the step queued behind a hold,"
      " as theirs are around one call queued behind torch.cuda._sleep; /flash, /cudnn: ours_us over theirs"
      " (below 1: ours faster); stages: each task's part of the step")
print(f"{'context':>8} {'batch':>5} {'method':<14} {'ours_us':>9} {'tasks':>5} {'flash_us':>9} {'cudnn_us':>9} {'/flash':>7} "
      f"{'/cudnn':>7} {'of_copy':>7} {'check':>8}  stages (us)")
def fmt(x, spec):
    return format(x, spec) if isinstance(x, (int, float)) else "-".rjust(int(spec.split(".")[0].lstrip(">")))
for r in ours:
    t, b = r["context"], r.get("batch", 1)
    f, c = theirs.get(("flash", t, b)), theirs.get(("cudnn", t, b))
    stages = ", ".join(f"{k} {v:.1f}" for k, v in (r.get("stages_us") or {}).items())
    print(f"{t:>8} {b:>5} {r['method']:<14} {r['median_us']:>9.1f} {r['tasks']:>5} {fmt(f, '>9.1f')} {fmt(c, '>9.1f')} "
          f"{fmt(r['median_us'] / f if f else None, '>7.2f')} {fmt(r['median_us'] / c if c else None, '>7.2f')} "
          f"{r['fraction_of_copy']:>7.2f} {fmt(r.get('check_error'), '>8.1e')}  {stages}")
PY
