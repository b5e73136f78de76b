#!/usr/bin/env python3
"""The peer of `sparse bench`: PyTorch's scaled_dot_product_attention on the same decode step.

One Llama-3.1-8B attention layer at batch B: q [B, 32, 1, 128], k and v [B, 8, T, 128] in fp16,
N(0, 1) (never zeros), grouped-query attention through enable_gqa=True where the backend takes
it (else K and V expanded to 32 heads beforehand, which reads 4x the bytes: the line says which).
Each backend (flash, cuDNN) is timed with CUDA events around each call after warm-up, the call
queued behind torch.cuda._sleep so that the events hold the device's time and not the host's
launch; the median of --repeats calls. Inputs rotate: four queries and enough KV caches to hold
256 MiB (at least 2), so that short contexts do not sit in the L2 cache. Also prints the device's copy bandwidth as
torch measures it (a device-to-device copy, bytes read plus bytes written) and the event time of
a one-element add (what a call costs besides its kernels).

Prints one JSON object per line: {peer, backend, context, median_us, ...}.
"""
import argparse
import json
import math
import sys

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

HQ, HKV, D = 32, 8, 128
QUERIES = 4
ROTATED_BYTES = 256 << 20
MAX_CACHES = 8
BACKENDS = {"flash": SDPBackend.FLASH_ATTENTION, "cudnn": SDPBackend.CUDNN_ATTENTION,
            "efficient": SDPBackend.EFFICIENT_ATTENTION, "math": SDPBackend.MATH}


# torch.cuda._sleep's cycles before a timed call (about a millisecond at an H100's clock): the
# call is queued before its start event fires, as `sparse bench` queues its step behind a hold
HOLD_CYCLES = 2_000_000


def median_us(fn, calls, warmup=10, hold=True):
    for i in range(warmup):
        fn(i)
    torch.cuda.synchronize()
    times = []
    for i in range(calls):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        if hold:
            torch.cuda._sleep(HOLD_CYCLES)
        start.record()
        fn(i)
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) * 1e3)
    times.sort()
    return times[len(times) // 2]


def copy_bandwidth(calls):
    n = 1 << 28  # 1 GiB of fp32
    a = torch.randn(n, device="cuda")
    b = torch.empty_like(a)
    us = median_us(lambda i: b.copy_(a), calls)
    return 2 * a.numel() * a.element_size() / (us * 1e-6)


def reference(q, k, v):
    """float64 attention with the KV heads repeated for their query heads, a sequence at a time (memory)."""
    g = HQ // HKV
    out = []
    for i in range(q.shape[0]):
        kk = k[i:i + 1].double().repeat_interleave(g, dim=1)
        vv = v[i:i + 1].double().repeat_interleave(g, dim=1)
        s = (q[i:i + 1].double() @ kk.transpose(-1, -2)) / math.sqrt(D)
        out.append(torch.softmax(s, dim=-1) @ vv)
    return torch.cat(out)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--context", default="16384,32768,65536,131072")
    p.add_argument("--batch", default="1", help="sequences per call, a comma-separated list")
    p.add_argument("--backends", default="flash,cudnn")
    p.add_argument("--repeats", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    torch.manual_seed(args.seed)
    device = torch.cuda.get_device_name()
    print(json.dumps({"peer": "torch", "backend": "copy", "device": device, "torch": torch.__version__,
                      "gbps": copy_bandwidth(args.repeats) / 1e9}), flush=True)
    # what the events around one call hold besides the kernels when nothing is queued ahead: an
    # add of one element
    one = torch.ones(1, device="cuda")
    print(json.dumps({"peer": "torch", "backend": "launch", "device": device, "torch": torch.__version__,
                      "median_us": median_us(lambda i: one.add(1), args.repeats, hold=False)}), flush=True)
    for t, b in [(int(t), int(b)) for t in args.context.split(",") for b in args.batch.split(",")]:
        cache_bytes = 2 * b * HKV * t * D * 2
        n = max(2, min(MAX_CACHES, -(-ROTATED_BYTES // cache_bytes)))
        ks = [torch.randn(b, HKV, t, D, dtype=torch.float16, device="cuda") for _ in range(n)]
        vs = [torch.randn(b, HKV, t, D, dtype=torch.float16, device="cuda") for _ in range(n)]
        qs = [torch.randn(b, HQ, 1, D, dtype=torch.float16, device="cuda") for _ in range(QUERIES)]
        ref = reference(qs[0], ks[0], vs[0])
        for name in args.backends.split(","):
            backend = BACKENDS[name]
            line = {"peer": "pytorch-sdpa", "backend": name, "context": t, "batch": b, "device": device,
                    "torch": torch.__version__, "caches": n, "repeats": args.repeats}
            try:
                with sdpa_kernel(backend):
                    try:
                        F.scaled_dot_product_attention(qs[0], ks[0], vs[0], enable_gqa=True)
                        gqa = "native"
                        kk, vv = ks, vs
                    except RuntimeError:
                        # the backend refuses enable_gqa: expand beforehand (each query head reads its own copy)
                        g = HQ // HKV
                        kk = [k.repeat_interleave(g, dim=1) for k in ks]
                        vv = [v.repeat_interleave(g, dim=1) for v in vs]
                        gqa = "expanded"

                    def call(i):
                        c = i % n
                        return F.scaled_dot_product_attention(qs[i % QUERIES], kk[c], vv[c], enable_gqa=gqa == "native")

                    out = call(0).double()
                    line["check_error"] = ((out - ref).norm() / ref.norm()).item()
                    line["gqa"] = gqa
                    line["median_us"] = median_us(call, args.repeats)
                    line["bytes"] = cache_bytes * (1 if gqa == "native" else HQ // HKV)
            except RuntimeError as e:
                line["error"] = str(e).splitlines()[0]
            print(json.dumps(line), flush=True)
        del ks, vs, qs
        torch.cuda.empty_cache()
    return 0


if __name__ == "__main__":
    sys.exit(main())
