package dev.kiln.cli;

import java.io.Console;

/** Whether the command talks to a person at a terminal (then progress rewrites its line) or to a pipe or file. */
final class Terminal {

    private Terminal() {
    }

    static boolean interactive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // Java 22 and later always give a console; isTerminal says whether it is one
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException olderJava) {
            return true;
        }
    }
}
