package dev.kiln.bakeplan;

import java.util.Set;

/**
 * The advisories that affected a role (patch adds each, patched at once or not): every bake of the role
 * applies them, so no later bake publishes a vulnerable package again. Entries read
 * {@code ALAS2023-2025-1196|2023.9.20251105} (AL2023, with the fix's release) or {@code ALAS2-2025-3001}.
 */
public interface OpenAdvisories {

    Set<String> of(String role);
}
