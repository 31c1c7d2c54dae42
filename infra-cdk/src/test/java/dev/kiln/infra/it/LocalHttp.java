package dev.kiln.infra.it;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;

/** What the local stand-ins for GitHub and the ALAS site share: answering a request. */
final class LocalHttp {

    private LocalHttp() {
    }

    static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
