package dev.kiln.bluegreendecide;

import dev.kiln.common.bluegreen.Approvals.Kind;
import dev.kiln.common.bluegreen.Approvals.State;
import java.util.Locale;
import java.util.Optional;

/** What a person decides about a waiting release: the wait it ends and the state that wait goes to. */
enum Decision {
    APPROVE(Kind.APPROVAL, State.APPROVED),
    REJECT(Kind.APPROVAL, State.REJECTED),
    ROLLBACK(Kind.ROLLBACK, State.ROLLED_BACK);

    final Kind waitsFor;
    final State decided;

    Decision(Kind waitsFor, State decided) {
        this.waitsFor = waitsFor;
        this.decided = decided;
    }

    /** As a person writes it: approve, reject or rollback. */
    String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Decision> of(String word) {
        for (Decision decision : values()) {
            if (decision.word().equals(word)) {
                return Optional.of(decision);
            }
        }
        return Optional.empty();
    }
}
