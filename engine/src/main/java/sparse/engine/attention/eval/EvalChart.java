package sparse.engine.attention.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** A PNG chart of attention-mass recall against measured density, one line per method. */
public final class EvalChart {

    private EvalChart() {
    }

    /** Whether this runtime can draw charts (a trimmed runtime may lack java.desktop). */
    public static boolean canDraw() {
        return ModuleLayer.boot().findModule("java.desktop").isPresent();
    }

    /**
     * Writes the chart to {@code png} atomically: into a temporary file beside it, then
     * renamed, so a failure leaves no half-written chart. Rows whose density or mass recall
     * is NaN are left out.
     */
    public static void writePng(List<EvalRow> rows, String title, Path png) throws IOException {
        if (!canDraw()) {
            throw new IOException("cannot draw " + png + ": this Java runtime lacks the java.desktop module that charts need");
        }
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title)
                .xAxisTitle("density (fraction of visible keys attended, log scale)").yAxisTitle("attention-mass recall").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        Map<String, List<EvalRow>> byMethod = new LinkedHashMap<>();
        for (EvalRow r : rows) {
            if (Double.isFinite(r.density().mean()) && Double.isFinite(r.massRecall().mean())) {
                byMethod.computeIfAbsent(r.method(), m -> new ArrayList<>()).add(r);
            }
        }
        if (byMethod.isEmpty()) {
            throw new IllegalArgumentException("no rows with a finite density and mass recall to chart");
        }
        byMethod.forEach((method, list) -> {
            list.sort(Comparator.comparingDouble(r -> r.density().mean()));
            chart.addSeries(method, list.stream().mapToDouble(r -> r.density().mean()).toArray(),
                    list.stream().mapToDouble(r -> r.massRecall().mean()).toArray());
        });
        byte[] bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);

        Path target = png.toAbsolutePath();
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
