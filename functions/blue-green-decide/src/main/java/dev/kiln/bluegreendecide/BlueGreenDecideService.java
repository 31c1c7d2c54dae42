package dev.kiln.bluegreendecide;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import dev.kiln.bluegreendecide.DecisionRequest.Command;
import dev.kiln.bluegreendecide.DecisionRequest.Page;
import dev.kiln.bluegreendecide.errors.NothingToDecideException;
import dev.kiln.common.Json;
import dev.kiln.common.bluegreen.ApprovalLinks;
import dev.kiln.common.bluegreen.Approvals.Approval;
import dev.kiln.common.bluegreen.Approvals.State;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a release's wait for a person. The page behind an approval link shows the release on GET and decides only
 * on a POST of its signed fields, before the wait expires, once; a command decides by role. Either way the
 * wait is marked decided first (so a second click, a second command or a replay finds it decided), then the
 * waiting task gets its result: success for an approval or a rollback, {@code Kiln.ReleaseRejected} for a rejection.
 */
record BlueGreenDecideService(Ports.Waits waits, Ports.Tasks tasks, Supplier<ApprovalLinks> links) {

    static final String REJECTED = "Kiln.ReleaseRejected";
    private static final Logger LOG = LoggerFactory.getLogger(BlueGreenDecideService.class);

    /** The page's answer: an HTTP status and the HTML. */
    record PageAnswer(int status, String html) {
    }

    /** A command's answer: what was decided, on which release. */
    record Decided(String role, String decision, String execution, String approvalId, String by) {
    }

    PageAnswer page(Page request, Instant now) {
        boolean post = request.method().equals("POST");
        if (!post && !request.method().equals("GET")) {
            return new PageAnswer(405, ApprovalPage.saying("Not here", "This page is read with GET and decided with its buttons."));
        }
        var fields = post ? request.form() : request.query();
        String id = fields.get("id");
        String signature = fields.get("signature");
        long expires;
        try {
            expires = Long.parseLong(fields.getOrDefault("expires", ""));
        } catch (NumberFormatException e) {
            return new PageAnswer(400, ApprovalPage.saying("Not an approval link", "This is not a link Kiln sent: it has no expiry."));
        }
        if (!links.get().signed(id, expires, signature)) {
            return new PageAnswer(403, ApprovalPage.saying("Not an approval link", "This is not a link Kiln signed; nothing was decided."));
        }
        Optional<Approval> found = waits.get(id);
        if (found.isEmpty()) {
            return new PageAnswer(404, ApprovalPage.saying("Nothing to decide", "Kiln no longer knows this release's approval."));
        }
        Approval approval = found.get();
        if (approval.state() != State.PENDING) {
            return new PageAnswer(409, ApprovalPage.saying("Decided already", decided(approval)));
        }
        if (now.getEpochSecond() > expires || now.isAfter(approval.expiresAt())) {
            return new PageAnswer(410, ApprovalPage.saying("Too late", "This approval expired at " + approval.expiresAt()
                    + ": the release of " + approval.role() + " was taken down when nobody decided in time."));
        }
        if (!post) {
            return new PageAnswer(200, ApprovalPage.asking(approval, String.valueOf(expires), signature));
        }
        Optional<Decision> decision = Decision.of(request.form().getOrDefault("decision", "")).filter(d -> d.waitsFor == approval.kind());
        if (decision.isEmpty()) {
            return new PageAnswer(400, ApprovalPage.saying("No decision", "Choose Approve or Reject; nothing was decided."));
        }
        String by = "the approval link (from " + request.sourceIp() + ")";
        try {
            return new PageAnswer(200, ApprovalPage.saying(decision.get() == Decision.APPROVE ? "Approved" : "Rejected",
                    outcome(end(approval, decision.get(), by, now))));
        } catch (NothingToDecideException e) {
            return new PageAnswer(409, ApprovalPage.saying("Nothing to decide", e.getMessage()));
        }
    }

    Decided command(Command command, Instant now) {
        String id = waits.waiting(command.role()).orElseThrow(() -> new NothingToDecideException("no release of " + command.role()
                + " waits for a decision"));
        Approval approval = waits.get(id).orElseThrow(() -> new NothingToDecideException("no release of " + command.role()
                + " waits for a decision"));
        if (approval.state() != State.PENDING) {
            throw new NothingToDecideException("no release of " + command.role() + " waits for a decision: the last wait was "
                    + decided(approval));
        }
        if (now.isAfter(approval.expiresAt())) {
            throw new NothingToDecideException("no release of " + command.role() + " waits for a decision: its "
                    + approval.kind().name().toLowerCase(Locale.ROOT) + " wait ended at " + approval.expiresAt());
        }
        if (approval.kind() != command.decision().waitsFor) {
            throw new NothingToDecideException(command.decision() == Decision.ROLLBACK
                    ? "the release of " + command.role() + " has not switched yet: it waits for its approval; reject it instead"
                    : "the release of " + command.role() + " was approved already and has switched: roll it back instead");
        }
        end(approval, command.decision(), command.by(), now);
        return new Decided(command.role(), command.decision().word(), approval.execution(), approval.id(), command.by());
    }

    /** Marks the wait decided, then gives the waiting task its result. */
    private Decision end(Approval approval, Decision decision, String by, Instant now) {
        if (!waits.decide(approval.id(), decision.decided, by, now)) {
            throw new NothingToDecideException("this release was decided meanwhile: " + waits.get(approval.id()).map(this::decided)
                    .orElse("it is gone"));
        }
        boolean delivered = decision == Decision.REJECT
                ? tasks.fail(approval.token(), REJECTED, "rejected by " + by + " at " + now)
                : tasks.succeed(approval.token(), Json.MAPPER.createObjectNode().put("decision", decision.word()).put("by", by)
                        .put("at", now.toString()).toString());
        LOG.info("Release decided", entry("role", approval.role()), entry("decision", decision.word()), entry("by", by),
                entry("approvalId", approval.id()), entry("delivered", delivered));
        if (!delivered) {
            throw new NothingToDecideException("the release of " + approval.role() + " no longer waits (it timed out or ended): "
                    + "nothing changed");
        }
        return decision;
    }

    private String decided(Approval approval) {
        return switch (approval.state()) {
            case APPROVED -> "approved by " + approval.decidedBy() + " at " + approval.decidedAt();
            case REJECTED -> "rejected by " + approval.decidedBy() + " at " + approval.decidedAt();
            case ROLLED_BACK -> "rolled back by " + approval.decidedBy() + " at " + approval.decidedAt();
            case PENDING -> "still waiting";
        };
    }

    private static String outcome(Decision decision) {
        return decision == Decision.APPROVE
                ? "Approved: the switch starts now. Kiln tells the team when every request goes to the new colour."
                : "Rejected: the preview goes and the new colour lets its instances go; the live colour serves as before.";
    }
}
