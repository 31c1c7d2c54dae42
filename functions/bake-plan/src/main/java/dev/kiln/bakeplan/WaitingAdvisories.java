package dev.kiln.bakeplan;

import java.util.Set;

/**
 * Advisories of a severity Kiln does not patch at once (patch queues them): each role's next bake
 * applies them. Entries read {@code ALAS2023-2025-1196|2023.9.20251105} (AL2023, with the fix's
 * release) or {@code ALAS2-2025-3001}.
 */
public interface WaitingAdvisories {

    Set<String> of(String role);
}
