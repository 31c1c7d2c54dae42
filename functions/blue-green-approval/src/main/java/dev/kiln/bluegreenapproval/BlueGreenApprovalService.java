package dev.kiln.bluegreenapproval;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import dev.kiln.common.Hashes;
import dev.kiln.common.bluegreen.ApprovalLinks;
import dev.kiln.common.bluegreen.Approvals.Approval;
import dev.kiln.common.bluegreen.Approvals.Kind;
import dev.kiln.common.bluegreen.Approvals.State;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens one wait of a release for a person: keeps its task token (server-side: a link carries only the wait's id,
 * its expiry and their signature) and makes it the role's, so a decision by role finds it. An approval is also
 * asked of the approvers, once, with what changed, where to see the preview and the signed link.
 */
record BlueGreenApprovalService(Ports.Waits approvals, Ports.Mail mail, Supplier<ApprovalLinks> links, Config settings) {

    private static final Logger LOG = LoggerFactory.getLogger(BlueGreenApprovalService.class);

    /** What was opened: the wait's id and until when it waits (ISO-8601); {@code asked} is false for a repeated invocation. */
    record Opened(String approvalId, String expiresAt, boolean asked) {
    }

    Opened open(WaitRequest request, Instant now) {
        // the same task token is the same wait: a retried invocation opens nothing new and asks no one twice
        String id = Hashes.sha256Hex(request.token()).substring(0, 32);
        Instant expires = now.plusSeconds(request.timeoutSeconds());
        boolean opened = approvals.open(new Approval(id, request.kind(), request.role(), request.execution(), request.token(), expires,
                State.PENDING, request.summary(), request.changes(), request.previewAddress(), request.previewCidrs(), null, null));
        if (!opened) {
            LOG.info("This wait was opened already; nothing more to do", entry("approvalId", id), entry("role", request.role()));
            return new Opened(id, expires.toString(), false);
        }
        if (request.kind() == Kind.APPROVAL) {
            String topic = request.topicArn() == null ? settings.topicArn() : request.topicArn();
            mail.send(topic, subject(request), message(request, links.get().link(settings.decisionUrl(), id, expires), expires));
        }
        LOG.info("Release waits for a person", entry("approvalId", id), entry("kind", request.kind()), entry("role", request.role()),
                entry("expiresAt", expires.toString()));
        return new Opened(id, expires.toString(), true);
    }

    /** SNS takes a subject of fewer than 100 characters. */
    static String subject(WaitRequest request) {
        String subject = "Kiln: approve the release of " + request.role() + "?";
        return subject.length() < 100 ? subject : subject.substring(0, 96) + "...";
    }

    String message(WaitRequest request, String link, Instant expires) {
        return request.summary() + "\n\n"
                + "What changes:\n  " + String.join("\n  ", request.changes()) + "\n\n"
                + "See it: " + request.previewAddress() + " from " + String.join(", ", request.previewCidrs())
                + " (a listener rule sends only these addresses to the new colour; everyone else still sees the live one).\n\n"
                + "Approve or reject: " + link + "\n"
                + "The link decides once, until " + expires + ". Opening it decides nothing: the page has the buttons.\n\n"
                + "From the command line: kiln release approve " + request.role() + " (or reject)\n"
                + "  or: aws lambda invoke --function-name " + settings.decisionFunction() + " --cli-binary-format raw-in-base64-out"
                + " --payload '{\"role\":\"" + request.role() + "\",\"decision\":\"approve\"}' /dev/stdout\n\n"
                + "Execution: " + request.execution();
    }
}
