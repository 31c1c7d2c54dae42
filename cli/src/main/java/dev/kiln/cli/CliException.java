package dev.kiln.cli;

/** Why a command did not do what it was asked, said to the person, with the exit code it ends with. */
final class CliException extends RuntimeException {

    /** Bad input: nothing was started or changed. */
    static final int BAD_INPUT = 2;
    /** The work was refused or failed, or AWS could not be asked. */
    static final int FAILED = 1;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    static CliException badInput(String message) {
        return new CliException(BAD_INPUT, message);
    }

    static CliException failed(String message) {
        return new CliException(FAILED, message);
    }

    int exitCode() {
        return exitCode;
    }
}
