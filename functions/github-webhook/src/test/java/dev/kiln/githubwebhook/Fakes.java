package dev.kiln.githubwebhook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** In-memory stand-ins for what the webhook reads and writes. */
final class Fakes {

    private Fakes() {
    }

    static final class Secrets implements Ports.WebhookSecrets {

        private List<String> cached;
        private List<String> stored;
        int refreshes;

        Secrets(String... values) {
            cached = List.of(values);
            stored = cached;
        }

        /** The secret changes in Secrets Manager; this copy still holds the old values until refreshed. */
        void rotate(String... values) {
            stored = List.of(values);
        }

        @Override
        public List<String> candidates() {
            return cached;
        }

        @Override
        public boolean refresh() {
            refreshes++;
            boolean changed = !stored.equals(cached);
            cached = stored;
            return changed;
        }
    }

    static final class Deliveries implements Ports.Deliveries {

        final Map<String, Ports.Answer> answered = new HashMap<>();
        final List<String> handling = new ArrayList<>();

        @Override
        public Optional<Ports.Answer> claim(String deliveryId, Instant now) {
            if (answered.containsKey(deliveryId)) {
                return Optional.of(answered.get(deliveryId));
            }
            if (handling.contains(deliveryId)) {
                return Optional.of(new Ports.Answer(409, "{}"));
            }
            handling.add(deliveryId);
            return Optional.empty();
        }

        @Override
        public void finish(String deliveryId, Ports.Answer answer, Instant now) {
            handling.remove(deliveryId);
            answered.put(deliveryId, answer);
        }

        @Override
        public void release(String deliveryId) {
            handling.remove(deliveryId);
        }

        boolean isEmpty() {
            return answered.isEmpty() && handling.isEmpty();
        }
    }

    static final class PushEvents implements Ports.PushEvents {

        final List<PushReceived> emitted = new ArrayList<>();
        RuntimeException failure;

        @Override
        public void pushReceived(PushReceived event) {
            if (failure != null) {
                throw failure;
            }
            emitted.add(event);
        }
    }
}
