package dev.kiln.githubwebhook;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What the webhook reads and writes. */
final class Ports {

    private Ports() {
    }

    /** The webhook secret: the current value and, during a rotation, the previous one. */
    interface WebhookSecrets {

        List<String> candidates();

        /** Reads the secret again (at most every few seconds); true when that gave new values. */
        boolean refresh();
    }

    /** An answer given to a delivery, kept so that a redelivery gets the same. */
    record Answer(int status, String body) {
    }

    /** Deliveries already handled, by X-GitHub-Delivery. */
    interface Deliveries {

        /**
         * Claims the delivery. Empty when it is new (go on); else what to answer now: the stored answer
         * of a handled delivery, or a conflict while another request is still handling it.
         */
        Optional<Answer> claim(String deliveryId, Instant now);

        void finish(String deliveryId, Answer answer, Instant now);

        /** Forgets a claim whose handling failed, so that a redelivery is handled afresh. */
        void release(String deliveryId);
    }

    interface PushEvents {
        void pushReceived(PushReceived event);
    }
}
