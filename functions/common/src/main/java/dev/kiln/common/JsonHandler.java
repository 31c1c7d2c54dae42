package dev.kiln.common;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.function.Function;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The shape of every Kiln function: its payload is parsed into the function's request, its service
 * answers the request, and the answer goes back as JSON; both run inside Powertools logging, so a
 * refused payload is logged with the invocation's context like any other failure.
 *
 * <p>A stream handler, so that a payload which is not JSON still reaches Kiln's code: {@link Json#tree}
 * turns it into the function's own invalid-input error (which a state machine can catch by name)
 * instead of a Jackson exception.
 *
 * <p>Before SnapStart snapshots an initialised function (when a version is published), the handler primes
 * Jackson: a document read and written once, so that a restored environment does not load and link
 * Jackson's classes on its first request. On a JVM without CRaC (the local cloud's) the hook never runs.
 *
 * @param <Q> what the function reads from its payload
 * @param <A> what it answers
 */
public abstract class JsonHandler<Q, A> implements RequestStreamHandler, Resource {

    /** A document with every kind of JSON value, for {@link #prime()}. */
    private static final String PRIMER = "{\"text\": \"a\", \"number\": 1.5, \"whole\": 2, \"yes\": true, \"none\": null,"
            + " \"list\": [1, \"b\", {\"nested\": []}], \"time\": \"2026-01-01T00:00:00Z\"}";

    private final Function<byte[], Q> request;
    private final Function<Q, A> answer;

    /**
     * @param request parses the payload; bad input fails with the function's own exception, saying what is wrong
     * @param answer  the function's work for one request: its service
     */
    protected JsonHandler(Function<byte[], Q> request, Function<Q, A> answer) {
        this.request = request;
        this.answer = answer;
        // the global context holds its resources weakly; the runtime holds the handler for the environment's life
        Core.getGlobalContext().register(this);
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // nothing to renew: initialisation and priming open no connection and read no credentials or configuration
        // (those are read on first use, the configuration again when stale)
    }

    /** Reads and writes {@link #PRIMER} through the functions' mapper; answers what it read back. */
    static Map<String, Object> prime() {
        try {
            byte[] written = Json.MAPPER.writeValueAsBytes(Json.MAPPER.readTree(PRIMER));
            return Json.MAPPER.readValue(written, new TypeReference<>() { });
        } catch (IOException e) {
            throw new IllegalStateException("priming Jackson failed", e);
        }
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] payload = input.readAllBytes();
        A result = PowertoolsLogging.withLogging(context, () -> answer.apply(request.apply(payload)));
        Json.MAPPER.writeValue(output, result);
    }
}
