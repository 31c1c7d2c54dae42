package dev.kiln.launchguard;

/** What launch-guard does besides its ledger. */
final class Ports {

    private Ports() {
    }

    interface Groups {

        /** Suspends the group's Launch process (Auto Scaling's SuspendProcesses; doing it twice is harmless). */
        void suspendLaunches(String group);
    }

    interface Topic {

        /** Publishes one message; returns its id. */
        String publish(String subject, String message);
    }
}
