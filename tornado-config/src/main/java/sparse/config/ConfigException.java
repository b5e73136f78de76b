package sparse.config;

/** A setting with a bad value; the message names the key and where the value came from. */
public final class ConfigException extends RuntimeException {
    public final String key;

    public ConfigException(String key, String from, String problem) {
        super("setting " + key + " (from " + from + "): " + problem);
        this.key = key;
    }
}
