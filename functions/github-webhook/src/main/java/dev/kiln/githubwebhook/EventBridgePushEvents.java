package dev.kiln.githubwebhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.kiln.common.Json;
import dev.kiln.githubwebhook.errors.EmitFailedException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/** Puts kiln.github "Push Received" on Kiln's bus. */
record EventBridgePushEvents(EventBridgeClient events, String bus) implements Ports.PushEvents {

    @Override
    public void pushReceived(PushReceived event) {
        String detail;
        try {
            detail = Json.MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a PushReceived always serializes", e);
        }
        PutEventsResponse response = events.putEvents(r -> r.entries(e -> e.eventBusName(bus).source("kiln.github")
                .detailType("Push Received").detail(detail)));
        if (response.failedEntryCount() > 0) {
            throw new EmitFailedException("EventBridge refused Push Received: " + response.entries().get(0).errorMessage());
        }
    }
}
