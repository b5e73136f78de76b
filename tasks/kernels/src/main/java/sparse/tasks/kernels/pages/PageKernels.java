package sparse.tasks.kernels.pages;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelMath;
import sparse.tasks.lang.Parallel;

/**
 * Quest (ALGORITHMS.md §3): keys in pages, per page and channel the minimum and maximum key,
 * a page's score for query q the upper bound {@code Σ_d max(q_d·kmin_d, q_d·kmax_d)} of any
 * of its keys' {@code q·k}, and the key positions of each query head's kept pages (the top
 * pages by score, which {@code SelectKernels}' radix select finds). {@link QuestReference} is
 * the float64 twin of every kernel here.
 */
public final class PageKernels {
    private PageKernels() {
    }

    /** Score given to a page that must be kept: above any real score. */
    public static final float FORCED = 3.0e38f;

    /**
     * Per key head, page p in {@code [firstPage, firstPage + pageCount)} and channel c: the
     * minimum and maximum of channel c over the page's cached tokens (a last partial page
     * over the tokens it has).
     *
     * @param k          keys, fp16, head g at {@code g*kHeadStride}, rows of d
     * @param kmin       page minima by channel, (hkv, d, pageStride): channel c of page p of
     *                   head g at {@code (g*d + c)*pageStride + p}, so that neighbouring
     *                   pages' bounds of a channel lie together for {@link #pageScores}
     * @param kmax       page maxima, same layout
     * @param pageStride pages the layout has room for
     */
    @Kernel
    public static void pageBounds(short[] k, int kHeadStride, int hkv, int tokens, int d, int page, int firstPage,
                                  int pageCount, float[] kmin, float[] kmax, int pageStride) {
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
                kmin[(g * d + c) * pageStride + p] = lo;
                kmax[(g * d + c) * pageStride + p] = hi;
            }
        }
    }

    /**
     * Page scores (hq, pages) of queries (hq, d) against bounds laid out as {@link #pageBounds}
     * writes them; query head h reads key head h / (hq/hkv). Pages are the first loop, so that
     * neighbouring work-items read neighbouring bounds; each sums its channels in order.
     * With {@code forceLast != 0} the last page scores {@link #FORCED}.
     */
    @Kernel
    public static void pageScores(float[] q, int hq, int hkv, int d, float[] kmin, float[] kmax, int pageStride,
                                  int pages, int forceLast, float[] scores) {
        for (@Parallel int p = 0; p < pages; p++) {
            for (@Parallel int h = 0; h < hq; h++) {
                int base = (h / (hq / hkv)) * d * pageStride + p;
                float s = 0.0f;
                for (int c = 0; c < d; c++) {
                    float qc = q[h * d + c];
                    s += KernelMath.max(qc * kmin[base + c * pageStride], qc * kmax[base + c * pageStride]);
                }
                if (forceLast != 0 && p == pages - 1) {
                    s = FORCED;
                }
                scores[h * pages + p] = s;
            }
        }
    }

    /**
     * Each row's kept pages as key positions: {@code pageLists[row*pageStride ..]} holds the
     * row's {@code keep} page numbers in ascending order (as {@code SelectKernels}' radix select
     * writes them), and slot i of its list becomes position {@code page·pageLists[i / page] + i %
     * page}, cut at {@code visible}: only the last page can be partial, and only as the last kept
     * one, so the row's positions are the first {@code counts[row]} slots, ascending.
     */
    @Kernel
    public static void pagePositions(int[] pageLists, int pageStride, int keep, int page, int visible, int rows,
                                     int[] indices, int[] counts, int listStride) {
        for (@Parallel int slot = 0; slot < keep * page; slot++) {
            for (@Parallel int row = 0; row < rows; row++) {
                int position = pageLists[row * pageStride + slot / page] * page + slot % page;
                if (position < visible) {
                    indices[row * listStride + slot] = position;
                }
                if (slot == 0) {
                    int lastStart = pageLists[row * pageStride + keep - 1] * page;
                    counts[row] = (keep - 1) * page + KernelMath.min(page, visible - lastStart);
                }
            }
        }
    }
}
