package dev.kiln.bluegreencheck;

import dev.kiln.bluegreencheck.errors.InvalidCheckPayloadException;
import dev.kiln.common.Json;
import dev.kiln.common.JsonHandler;

/**
 * blue-green's look at the idle colour while it fills (state {@code ReadyCheck}). Its payload: the group, its
 * target group's health, the count wanted; its answer: {@link IdleColourCheck.Answer}.
 */
public final class BlueGreenCheckHandler extends JsonHandler<CheckRequest, IdleColourCheck.Answer> {

    public BlueGreenCheckHandler() {
        super(payload -> CheckRequest.from(Json.tree(payload, InvalidCheckPayloadException::new)), IdleColourCheck::check);
    }
}
