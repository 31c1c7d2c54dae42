package dev.kiln.common.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * A fake of a function's port that writes a JSON document to a bucket and key ({@code put(bucket, key, json)}):
 * it keeps every put, in order. A function's fake extends it and implements its own port.
 * Shared with every function module's tests through common's test jar.
 */
public class RecordingJsonStore {

    public record Put(String bucket, String key, String json) {
    }

    public final List<Put> puts = new ArrayList<>();

    public void put(String bucket, String key, String json) {
        puts.add(new Put(bucket, key, json));
    }
}
