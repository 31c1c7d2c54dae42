package dev.kiln.bluegreenapproval;

import dev.kiln.common.bluegreen.Approvals.Approval;

/** Where blue-green-approval keeps a wait and what it tells people through; adapters in the handler, fakes in the tests. */
final class Ports {

    private Ports() {
    }

    /** The releases table's waits (common's Approvals). */
    interface Waits {

        /** Records the wait and makes it its role's; false when it was recorded already. */
        boolean open(Approval approval);
    }

    /** One message to an SNS topic. */
    interface Mail {

        void send(String topicArn, String subject, String message);
    }
}
