package sparse.engine.backend;

import java.util.Arrays;

/**
 * A launch grid: global work size per dimension and the work-group (block) size per
 * dimension. Each global size is a multiple of its local size.
 */
public record Grid(long[] global, int[] local) {

    public Grid {
        if (global.length < 1 || global.length > 2 || local.length != global.length) {
            throw new IllegalArgumentException("a grid has 1 or 2 dimensions, global and local alike");
        }
        for (int d = 0; d < global.length; d++) {
            if (local[d] < 1 || global[d] < 1 || global[d] % local[d] != 0) {
                throw new IllegalArgumentException("grid dimension " + d + ": global " + global[d]
                        + " must be a positive multiple of local " + local[d]);
            }
        }
    }

    public static Grid of(long global, int local) {
        return new Grid(new long[]{global, }, new int[]{local});
    }

    public static Grid of(long globalX, long globalY, int localX, int localY) {
        return new Grid(new long[]{globalX, globalY}, new int[]{localX, localY});
    }

    /** The smallest grid of work-groups of {@code local} covering at least {@code n} items. */
    public static Grid covering(long n, int local) {
        long groups = Math.max(1, (n + local - 1) / local);
        return of(groups * local, local);
    }

    public int dimensions() {
        return global.length;
    }

    /** Work-items per work-group: the product of the local sizes. */
    public long workGroupSize() {
        long items = 1;
        for (int size : local) {
            items *= size;
        }
        return items;
    }

    public long groups(int dim) {
        return global[dim] / local[dim];
    }

    /** Parses {@code "G/L"} or {@code "GxG/LxL"}, e.g. {@code 4096/256} or {@code 64x32/16x16}. */
    public static Grid parse(String text) {
        String[] parts = text.trim().split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("a grid is written GLOBAL/LOCAL, e.g. 4096/256 or 64x32/16x16, not '" + text + "'");
        }
        long[] g = Arrays.stream(parts[0].split("x")).mapToLong(Long::parseLong).toArray();
        int[] l = Arrays.stream(parts[1].split("x")).mapToInt(Integer::parseInt).toArray();
        return new Grid(g, l);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int d = 0; d < global.length; d++) {
            b.append(d == 0 ? "" : "x").append(global[d]);
        }
        b.append('/');
        for (int d = 0; d < local.length; d++) {
            b.append(d == 0 ? "" : "x").append(local[d]);
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Grid g && Arrays.equals(global, g.global) && Arrays.equals(local, g.local);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(global) * 31 + Arrays.hashCode(local);
    }
}
