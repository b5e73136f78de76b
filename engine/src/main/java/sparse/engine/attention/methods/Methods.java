package sparse.engine.attention.methods;

import sparse.engine.attention.AttentionMethod;
import sparse.engine.attention.dense.DenseAttention;
import sparse.engine.attention.hardlsh.HardLshAttention;
import sparse.engine.attention.hardlsh.HardLshOptions;
import sparse.engine.attention.oracle.OracleAttention;
import sparse.engine.attention.oracle.OracleOptions;
import sparse.engine.attention.quest.QuestAttention;
import sparse.engine.attention.quest.QuestOptions;
import sparse.engine.attention.sketchwalk.SketchWalkAttention;
import sparse.engine.attention.sketchwalk.SketchWalkOptions;
import sparse.engine.attention.socket.SocketAttention;
import sparse.engine.attention.socket.SocketOptions;
import sparse.engine.attention.streaming.StreamingAttention;
import sparse.engine.attention.streaming.StreamingOptions;
import sparse.engine.backend.Device;

/** Makes an attention method by its command-line name, on one device. */
public final class Methods {
    private Methods() {
    }

    public static AttentionMethod open(String name, double density, MethodSettings settings, Device device) {
        Object options = settings.options(name, density);
        return switch (name) {
            case "dense" -> new DenseAttention(device);
            case "oracle" -> new OracleAttention(device, (OracleOptions) options);
            case "streaming" -> new StreamingAttention(device, (StreamingOptions) options);
            case "socket" -> new SocketAttention(device, (SocketOptions) options);
            case "hardlsh" -> new HardLshAttention(device, (HardLshOptions) options);
            case "quest" -> new QuestAttention(device, (QuestOptions) options);
            case "sketchwalk" -> new SketchWalkAttention(device, (SketchWalkOptions) options);
            default -> throw new IllegalStateException(name);
        };
    }
}
