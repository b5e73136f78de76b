package sparse.engine.attention.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparse.engine.attention.metrics.Summary;

class EvalReportTest {

    @TempDir
    Path dir;

    private static EvalRow row(String method, double density, double mass) {
        Summary d = Summary.of(new double[] {density, density});
        return new EvalRow(method, density, d, Summary.of(new double[] {0.5, 0.7}), Summary.of(new double[] {mass, mass}),
                Summary.of(new double[] {0.1, 0.3}));
    }

    private final List<EvalRow> rows = List.of(row("dense", 1.0, 1.0), row("socket", 0.05, 0.9), row("socket", 0.1, 0.95),
            row("streaming \"llm\"", 0.05, Double.NaN));

    @Test
    void jsonLinesHaveOneFlatObjectPerRow() {
        String json = EvalReport.jsonLines(rows, Map.of("workload", "synthetic(seed=1)"));
        String[] lines = json.split("\n");
        assertEquals(4, lines.length);
        assertTrue(lines[1].startsWith("{\"method\": \"socket\", \"density_requested\": 0.05, \"density\": 0.05, "
                + "\"topk_recall\": 0.6, \"mass_recall\": 0.9, \"output_error\": 0.2, \"samples\": 2, "), lines[1]);
        assertTrue(lines[1].contains("\"topk_recall_min\": 0.5"), lines[1]);
        assertTrue(lines[1].endsWith("\"workload\": \"synthetic(seed=1)\"}"), lines[1]);
        assertTrue(lines[3].contains("\"method\": \"streaming \\\"llm\\\"\""), lines[3]);
        assertTrue(lines[3].contains("\"mass_recall\": null"), lines[3]);
    }

    @Test
    void tableHasAHeaderAndALinePerRow() {
        String table = EvalReport.table(rows);
        String[] lines = table.split("\n");
        assertEquals(2 + 4, lines.length);
        assertTrue(lines[0].startsWith("method"));
        assertTrue(lines[3].startsWith("socket"), lines[3]);
        assertTrue(lines[3].contains("0.0500"), lines[3]);
        System.out.print(table);
    }

    @Test
    void chartIsAPngAndNothingElseIsLeft() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(EvalChart.canDraw(), "this Java runtime has no java.desktop: no charts");
        Path png = dir.resolve("recall.png");
        EvalChart.writePng(rows, "mass recall", png);
        byte[] head = Files.readAllBytes(png);
        assertEquals((byte) 0x89, head[0]);
        assertEquals("PNG", new String(head, 1, 3));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(png), files.toList());
        }
    }

    @Test
    void aChartThatCannotBeWrittenLeavesNothing() throws IOException {
        Path png = dir.resolve("missing-folder").resolve("recall.png");
        assertThrows(IOException.class, () -> EvalChart.writePng(rows, "mass recall", png));
        assertFalse(Files.exists(png));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }
}
