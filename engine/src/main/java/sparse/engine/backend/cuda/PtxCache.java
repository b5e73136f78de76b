package sparse.engine.backend.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import sparse.engine.backend.BackendException;

/**
 * PTX on disk, one file per compiled program, named by the SHA-256 of everything that shapes
 * it (source text, NVRTC options, NVRTC version), so that a process skips NVRTC for programs
 * an earlier one compiled. Files appear whole or not at all (written aside, then renamed).
 */
final class PtxCache {
    private final Path dir;

    PtxCache(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    static String key(String source, List<String> options, String nvrtcVersion) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            // NUL separators: no two different inputs concatenate to the same bytes.
            String all = source + '\0' + String.join("\0", options) + '\0' + "nvrtc " + nvrtcVersion;
            return HexFormat.of().formatHex(sha.digest(all.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    Path file(String key) {
        return dir.resolve(key + ".ptx");
    }

    Optional<String> read(String key) {
        Path file = file(key);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BackendException("cannot read cached PTX " + file + ": " + e.getMessage(), e);
        }
    }

    void write(String key, String ptx) {
        Path file = file(key);
        try {
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, key, ".tmp");
            try {
                Files.writeString(temp, ptx, StandardCharsets.UTF_8);
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new BackendException("cannot write the PTX cache " + file + ": " + e.getMessage()
                    + " (the PTX cache folder must be writable)", e);
        }
    }
}
