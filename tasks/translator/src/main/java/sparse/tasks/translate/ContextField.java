package sparse.tasks.translate;

/** The {@code KernelContext} fields a kernel may read, each a dimension and a kind of id or size. */
enum ContextField {
    GLOBAL_ID_X("globalIdx"), GLOBAL_ID_Y("globalIdy"),
    LOCAL_ID_X("localIdx"), LOCAL_ID_Y("localIdy"),
    GROUP_ID_X("groupIdx"), GROUP_ID_Y("groupIdy"),
    GLOBAL_SIZE_X("globalGroupSizeX"), GLOBAL_SIZE_Y("globalGroupSizeY"),
    LOCAL_SIZE_X("localGroupSizeX"), LOCAL_SIZE_Y("localGroupSizeY");

    final String javaName;

    ContextField(String javaName) {
        this.javaName = javaName;
    }

    int dimension() {
        return ordinal() % 2;
    }

    static ContextField of(String javaName) {
        for (ContextField f : values()) {
            if (f.javaName.equals(javaName)) {
                return f;
            }
        }
        return null;
    }
}
