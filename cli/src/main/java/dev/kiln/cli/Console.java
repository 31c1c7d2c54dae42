package dev.kiln.cli;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * Where a command speaks. With {@code --output json} the result is the only thing on standard output (progress
 * goes to standard error), so a script can parse it; on a terminal a status line is rewritten in place, and
 * otherwise progress is plain lines.
 */
final class Console {

    /** Waits between two looks at something that goes on; tests do not wait. */
    interface Pause {
        void pause(Duration duration);
    }

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private final boolean terminal;
    private final Pause pause;
    private boolean statusShown;

    Console(PrintWriter out, PrintWriter err, boolean json, boolean terminal, Pause pause) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.terminal = terminal;
        this.pause = pause;
    }

    boolean json() {
        return json;
    }

    /** Where progress goes: standard error when the result is JSON. */
    PrintWriter progress() {
        return json ? err : out;
    }

    /** A line of progress or of the result, in text. */
    void line(String text) {
        clearStatus();
        progress().println(text);
        progress().flush();
    }

    /** The result: the only line on standard output with --output json. */
    void result(String text) {
        clearStatus();
        out.println(text);
        out.flush();
    }

    /** A line that the next one replaces, on a terminal only. */
    void status(String text) {
        if (terminal) {
            progress().print("\r\u001b[2K" + text);
            progress().flush();
            statusShown = true;
        }
    }

    void pause(Duration duration) {
        pause.pause(duration);
    }

    private void clearStatus() {
        if (statusShown) {
            progress().print("\r\u001b[2K");
            statusShown = false;
        }
    }
}
