package sparse.engine.attention.quest;

/**
 * Quest's knobs (ALGORITHMS.md §3): a requested density becomes a number of whole pages.
 *
 * @param density      the requested fraction of visible keys attended, in (0, 1]
 * @param pageSize     tokens per page (16)
 * @param minPages     pages kept at least (3)
 * @param keepLastPage whether the newest page, which holds the current token, is always one of
 *                     the kept pages (true, as Quest's implementation does: a partial page's
 *                     bound says little, and the query's own key is in it)
 */
public record QuestOptions(double density, int pageSize, int minPages, boolean keepLastPage) {

    public QuestOptions {
        if (!(density > 0 && density <= 1)) {
            throw new IllegalArgumentException("density must be in (0, 1], got " + density);
        }
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be ≥ 1, got " + pageSize);
        }
        if (minPages < 1) {
            throw new IllegalArgumentException("minPages must be ≥ 1, got " + minPages);
        }
    }

    /** Pages of 16, at least 3, the newest always kept. */
    public static QuestOptions of(double density) {
        return new QuestOptions(density, 16, 3, true);
    }

    /**
     * Pages kept over {@code visible} keys (ALGORITHMS.md §4: whole pages up to the budget of
     * round(density·T) tokens, counting the newest page's tokens when it is always kept), at
     * least {@code minPages} and at most every page.
     */
    public int pagesKept(int visible) {
        int pages = (visible + pageSize - 1) / pageSize;
        long budget = Math.round(density * visible);
        long fit;
        if (keepLastPage) {
            int newest = visible - (pages - 1) * pageSize;
            fit = 1 + Math.max(0, budget - newest) / pageSize;
        } else {
            fit = budget / pageSize;
        }
        return (int) Math.min(pages, Math.max(minPages, fit));
    }
}
