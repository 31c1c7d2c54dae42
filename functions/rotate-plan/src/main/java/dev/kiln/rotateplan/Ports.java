package dev.kiln.rotateplan;

import java.util.List;
import java.util.Optional;

/** What rotate-plan reads and writes; adapters in the handler, fakes in the tests. */
final class Ports {

    private Ports() {
    }

    /** One stored object: its key and its body. */
    record Page(String key, String body) {
    }

    /** The pages of DescribeTags the state machine stored before rotate-plan runs. */
    interface TagPages {

        /** Every object under {@code prefix}, in key order; none when nothing was stored. */
        List<Page> read(String bucket, String prefix);
    }

    /** Each role's published image, as the publish guard keeps it. */
    interface CurrentImages {

        /** Empty when the role has no published image yet. */
        Optional<String> imageId(String role);
    }

    /** Where the plan goes for the state machine's map to read. */
    interface PlanStore {

        void put(String bucket, String key, String json);
    }
}
