package sparse.engine.attention.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import sparse.engine.attention.metrics.Summary;

/** The rows of an evaluation as a text table or as JSON lines. */
public final class EvalReport {

    private EvalReport() {
    }

    /**
     * A fixed-width table, one line per row: measured density, then each metric's mean, its
     * standard deviation and its worst decile (p10 for the recalls, p90 for the error).
     */
    public static String table(List<EvalRow> rows) {
        int width = Math.max(6, rows.stream().mapToInt(r -> r.method().length()).max().orElse(0));
        String name = "%-" + width + "s";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, name + "  %9s  %7s  %-22s  %-22s  %-22s%n", "method", "requested",
                "density", "top-k recall", "mass recall", "output error"));
        sb.append(String.format(Locale.ROOT, name + "  %9s  %7s  %-22s  %-22s  %-22s%n", "", "", "",
                "mean    ±std    p10", "mean    ±std    p10", "mean    ±std    p90"));
        for (EvalRow r : rows) {
            sb.append(String.format(Locale.ROOT, name + "  %9.4f  %7.4f  %s  %s  %s%n", r.method(), r.densityRequested(),
                    r.density().mean(), cells(r.topkRecall(), r.topkRecall().p10()),
                    cells(r.massRecall(), r.massRecall().p10()), cells(r.outputError(), r.outputError().p90())));
        }
        return sb.toString();
    }

    private static String cells(Summary s, double worst) {
        return String.format(Locale.ROOT, "%6.4f  %6.4f  %6.4f", s.mean(), s.std(), worst);
    }

    /**
     * One flat JSON object per row and line, with keys {@code method, density_requested,
     * density, topk_recall, mass_recall, output_error} (the means), {@code samples}, each
     * metric's spread as {@code <metric>_std, _min, _p10, _p90, _max}, and then the entries of
     * {@code context} (e.g. workload, device). NaN is written as null.
     */
    public static String jsonLines(List<EvalRow> rows, Map<String, String> context) {
        StringBuilder sb = new StringBuilder();
        for (EvalRow r : rows) {
            List<String> fields = new ArrayList<>();
            fields.add(field("method", string(r.method())));
            fields.add(field("density_requested", number(r.densityRequested())));
            fields.add(field("density", number(r.density().mean())));
            fields.add(field("topk_recall", number(r.topkRecall().mean())));
            fields.add(field("mass_recall", number(r.massRecall().mean())));
            fields.add(field("output_error", number(r.outputError().mean())));
            fields.add(field("samples", Integer.toString(r.density().count())));
            spread(fields, "density", r.density());
            spread(fields, "topk_recall", r.topkRecall());
            spread(fields, "mass_recall", r.massRecall());
            spread(fields, "output_error", r.outputError());
            context.forEach((k, v) -> fields.add(field(k, string(v))));
            sb.append('{').append(String.join(", ", fields)).append("}\n");
        }
        return sb.toString();
    }

    private static void spread(List<String> fields, String metric, Summary s) {
        fields.add(field(metric + "_std", number(s.std())));
        fields.add(field(metric + "_min", number(s.min())));
        fields.add(field(metric + "_p10", number(s.p10())));
        fields.add(field(metric + "_p90", number(s.p90())));
        fields.add(field(metric + "_max", number(s.max())));
    }

    private static String field(String key, String json) {
        return string(key) + ": " + json;
    }

    private static String number(double x) {
        return Double.isFinite(x) ? Double.toString(x) : "null";
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    static String string(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
