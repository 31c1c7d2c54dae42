package dev.kiln.common;

/** Putting values into shell commands that Kiln runs on instances. */
public final class Shell {

    private Shell() {
    }

    /** Single-quotes a value for the shell: whatever it holds, it stays one word and runs nothing. */
    public static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
