package sparse.tasks.kernels.pages;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelMath;
import sparse.tasks.lang.Parallel;

/**
 * Quest (ALGORITHMS.md §3): keys in pages, per page and channel the minimum and maximum key,
 * a page's score for query q the upper bound {@code Σ_d max(q_d·kmin_d, q_d·kmax_d)} of any
 * of its keys' {@code q·k}, and the top pages per query head. {@link QuestReference} is the
 * float64 twin of every kernel here.
 */
public final class PageKernels {
    private PageKernels() {
    }

    /** Largest work-group of {@link #topPages} (its local arrays are this long). */
    public static final int MAX_GROUP = 256;
    /** Score given to a page that must be kept: above any real score. */
    public static final float FORCED = 3.0e38f;

    /**
     * Per key head, page p in {@code [firstPage, firstPage + pageCount)} and channel c: the
     * minimum and maximum of channel c over the page's cached tokens (a last partial page
     * over the tokens it has).
     *
     * @param k    keys, fp16, head g at {@code g*kHeadStride}, rows of d
     * @param kmin page minima, page p of head g at {@code g*boundsHeadStride + p*d}
     * @param kmax page maxima, same layout
     */
    @Kernel
    public static void pageBounds(short[] k, int kHeadStride, int hkv, int tokens, int d, int page, int firstPage,
                                  int pageCount, float[] kmin, float[] kmax, int boundsHeadStride) {
        for (@Parallel int gp = 0; gp < hkv * pageCount; gp++) {
            for (@Parallel int c = 0; c < d; c++) {
                int g = gp / pageCount;
                int p = firstPage + gp % pageCount;
                int start = p * page;
                int end = KernelMath.min(start + page, tokens);
                float lo = 3.0e38f;
                float hi = -3.0e38f;
                for (int t = start; t < end; t++) {
                    float x = KernelMath.halfToFloat(k[g * kHeadStride + t * d + c]);
                    lo = KernelMath.min(lo, x);
                    hi = KernelMath.max(hi, x);
                }
                kmin[g * boundsHeadStride + p * d + c] = lo;
                kmax[g * boundsHeadStride + p * d + c] = hi;
            }
        }
    }

    /**
     * Page scores (hq, pages) of queries (hq, d); query head h reads key head h / (hq/hkv).
     * With {@code forceLast != 0} the last page scores {@link #FORCED}.
     */
    @Kernel
    public static void pageScores(float[] q, int hq, int hkv, int d, float[] kmin, float[] kmax,
                                  int boundsHeadStride, int pages, int forceLast, float[] scores) {
        for (@Parallel int h = 0; h < hq; h++) {
            for (@Parallel int p = 0; p < pages; p++) {
                int base = (h / (hq / hkv)) * boundsHeadStride + p * d;
                float s = 0.0f;
                for (int c = 0; c < d; c++) {
                    float qc = q[h * d + c];
                    s += KernelMath.max(qc * kmin[base + c], qc * kmax[base + c]);
                }
                if (forceLast != 0 && p == pages - 1) {
                    s = FORCED;
                }
                scores[h * pages + p] = s;
            }
        }
    }

    /**
     * The {@code keep} best-scoring of {@code pages} pages of each query head (1 ≤ keep ≤
     * pages), one work-group per head (at most {@link #MAX_GROUP} work-items): written to
     * {@code list[h*listStride ..]} in ascending page order, with {@code spans[2h] = h*listStride}
     * (where the list starts) and {@code spans[2h+1] = keep}. Ties at
     * the threshold go to the lower page numbers. The threshold, the keep-th largest score,
     * is found by bisection over the floats' order-preserving integer keys.
     */
    @Kernel
    public static void topPages(KernelContext ctx, float[] scores, int pages, int keep, int[] list, int listStride,
                                int[] spans) {
        int[] part = ctx.allocateIntLocalArray(2 * MAX_GROUP);
        int h = ctx.groupIdx;
        int lid = ctx.localIdx;
        int size = ctx.localGroupSizeX;
        int base = h * pages;
        // largest key with at least `keep` keys ≥ it
        long lo = -2147483648L;
        long hi = 2147483647L;
        for (int it = 0; it < 32; it++) {
            long mid = lo + (hi - lo + 1) / 2;
            int mine = 0;
            for (int p = lid; p < pages; p += size) {
                if (sortKey(scores[base + p]) >= mid) {
                    mine++;
                }
            }
            part[lid] = mine;
            ctx.localBarrier();
            int total = 0;
            for (int i = 0; i < size; i++) {
                total += part[i];
            }
            ctx.localBarrier();
            if (total >= keep) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        int threshold = (int) lo;
        // each work-item lists one contiguous segment; ties are taken in page order
        int segment = (pages + size - 1) / size;
        int start = KernelMath.min(lid * segment, pages);
        int end = KernelMath.min(start + segment, pages);
        int above = 0;
        int equal = 0;
        for (int p = start; p < end; p++) {
            int key = sortKey(scores[base + p]);
            if (key > threshold) {
                above++;
            } else if (key == threshold) {
                equal++;
            }
        }
        part[lid] = above;
        part[MAX_GROUP + lid] = equal;
        ctx.localBarrier();
        int aboveBefore = 0;
        int equalBefore = 0;
        int aboveTotal = 0;
        for (int i = 0; i < size; i++) {
            if (i < lid) {
                aboveBefore += part[i];
                equalBefore += part[MAX_GROUP + i];
            }
            aboveTotal += part[i];
        }
        int ties = keep - aboveTotal;
        int tiesTaken = KernelMath.min(equalBefore, ties);
        int pos = aboveBefore + tiesTaken;
        for (int p = start; p < end; p++) {
            int key = sortKey(scores[base + p]);
            if (key > threshold) {
                list[h * listStride + pos] = p;
                pos++;
            } else if (key == threshold && tiesTaken < ties) {
                list[h * listStride + pos] = p;
                pos++;
                tiesTaken++;
            }
        }
        if (lid == 0) {
            spans[2 * h] = h * listStride;
            spans[2 * h + 1] = keep;
        }
    }

    /** An int whose signed order is the float's order (for non-NaN floats). */
    private static int sortKey(float f) {
        int bits = KernelMath.floatToIntBits(f);
        if (bits < 0) {
            bits = bits ^ 2147483647;
        }
        return bits;
    }
}
