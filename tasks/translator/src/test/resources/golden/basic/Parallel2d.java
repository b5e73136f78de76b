import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.Parallel;

class Parallel2d {
    static final int COLS = 64;

    // outer loop is dimension 0, inner loop dimension 1
    @Kernel
    static void transpose(float[] in, float[] out, int rows) {
        for (@Parallel int r = 0; r < rows; r++) {
            int base = r * COLS;
            for (@Parallel int c = 0; c < COLS; c++) {
                out[c * rows + r] = in[base + c];
            }
        }
    }

    @Kernel
    static void fill(int[] grid, int width) {
        for (@Parallel int y = 0; y < 16; y++) {
            for (@Parallel int x = 0; x < width; x++) {
                grid[y * width + x] = y + x;
            }
        }
    }
}
