package dev.kiln.bluegreendecide;

import dev.kiln.common.bluegreen.Approvals.Approval;
import java.util.List;

/**
 * The approval page's HTML: what the release changes, where to see the preview, and two buttons that POST the
 * decision. Everything shown is escaped; the page loads nothing and runs no script.
 */
final class ApprovalPage {

    private ApprovalPage() {
    }

    /** The page of a pending approval, with the signed fields its buttons send back. */
    static String asking(Approval approval, String expires, String signature) {
        return page("Release of " + approval.role(), """
                <p class="summary">%s</p>
                <h2>What changes</h2>
                <ul>%s</ul>
                <h2>See it first</h2>
                <p>Open <a href="%s" rel="noreferrer">%s</a> from %s: a listener rule sends only these addresses to the new
                colour; everyone else still sees the live one.</p>
                <p class="when">This page decides once, until %s.</p>
                <form method="post">
                  <input type="hidden" name="id" value="%s">
                  <input type="hidden" name="expires" value="%s">
                  <input type="hidden" name="signature" value="%s">
                  <button type="submit" name="decision" value="approve" class="approve">Approve and switch</button>
                  <button type="submit" name="decision" value="reject" class="reject">Reject</button>
                </form>""".formatted(escape(approval.summary()), items(approval.changes()), escape(approval.previewAddress()),
                escape(approval.previewAddress()), escape(String.join(", ", approval.previewCidrs())), escape(approval.expiresAt().toString()),
                escape(approval.id()), escape(expires), escape(signature)));
    }

    /** A page that only says something: the outcome of a decision, or why there is nothing to decide. */
    static String saying(String title, String text) {
        return page(title, "<p class=\"outcome\">" + escape(text) + "</p>");
    }

    private static String items(List<String> lines) {
        StringBuilder items = new StringBuilder();
        lines.forEach(line -> items.append("<li>").append(escape(line)).append("</li>"));
        return items.toString();
    }

    private static String page(String title, String body) {
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <meta name="robots" content="noindex, nofollow">
                <title>Kiln: %s</title>
                <style>
                body { font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1b1b1b; }
                h1 { font-size: 1.5rem; } h2 { font-size: 1.1rem; margin-top: 1.5rem; }
                .summary, .outcome { font-size: 1.1rem; } .when { color: #555; }
                button { font-size: 1rem; padding: 0.6rem 1.2rem; margin-right: 1rem; border: 0; border-radius: 4px; cursor: pointer; }
                .approve { background: #1d6b2f; color: #fff; } .reject { background: #a32020; color: #fff; }
                </style>
                </head>
                <body>
                <h1>Kiln: %s</h1>
                %s
                </body>
                </html>
                """.formatted(escape(title), escape(title), body);
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
