package dev.kiln.infra.probe;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A function for testing the local cloud's Java executor: deployed by LambdaExecutorIT, it echoes its
 * input and the environment variables it is asked for, sleeps, or throws, as the event says.
 */
public final class ProbeHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        String action = String.valueOf(event.getOrDefault("action", "echo"));
        switch (action) {
            case "fail" -> throw new ProbeFailedException(String.valueOf(event.get("message")));
            case "sleep" -> sleep(((Number) event.get("seconds")).longValue());
            default -> { }
        }
        Map<String, Object> answer = new HashMap<>();
        answer.put("input", event);
        answer.put("requestId", context.getAwsRequestId());
        Map<String, String> environment = new HashMap<>();
        @SuppressWarnings("unchecked")
        List<String> names = (List<String>) event.getOrDefault("environment", List.of());
        names.forEach(name -> environment.put(name, System.getenv(name)));
        answer.put("environment", environment);
        return answer;
    }

    private static void sleep(long seconds) {
        try {
            Thread.sleep(seconds * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
