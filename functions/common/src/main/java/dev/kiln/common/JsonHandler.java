package dev.kiln.common;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Function;
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
 * @param <Q> what the function reads from its payload
 * @param <A> what it answers
 */
public abstract class JsonHandler<Q, A> implements RequestStreamHandler {

    private final Function<byte[], Q> request;
    private final Function<Q, A> answer;

    /**
     * @param request parses the payload; bad input fails with the function's own exception, saying what is wrong
     * @param answer  the function's work for one request: its service
     */
    protected JsonHandler(Function<byte[], Q> request, Function<Q, A> answer) {
        this.request = request;
        this.answer = answer;
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] payload = input.readAllBytes();
        A result = PowertoolsLogging.withLogging(context, () -> answer.apply(request.apply(payload)));
        Json.MAPPER.writeValue(output, result);
    }
}
