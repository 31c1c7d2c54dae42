"""The emulators' clock: one setting that makes AWS's waits shorter in the local cloud.

KILN_LOCAL_CLOCK_SPEED (default 1) divides every duration an emulator waits on AWS's behalf: a
lifecycle hook's heartbeat timeout, an instance refresh's warm-up, the SSM agent coming online. At
60, a hook's 3600 s timeout passes in one minute. What a caller reads back (HeartbeatTimeout,
InstanceWarmup) stays in AWS's seconds; only the waiting is shorter.
"""

import os
import time


def speed() -> float:
    value = os.environ.get("KILN_LOCAL_CLOCK_SPEED", "1").strip() or "1"
    try:
        factor = float(value)
    except ValueError:
        raise ValueError(f"KILN_LOCAL_CLOCK_SPEED must be a number, not {value!r}") from None
    if factor <= 0:
        raise ValueError(f"KILN_LOCAL_CLOCK_SPEED must be above 0, not {value!r}")
    return factor


def real_seconds(aws_seconds: float) -> float:
    """How long the emulator really waits for a duration AWS would wait."""
    return aws_seconds / speed()


def deadline(aws_seconds: float) -> float:
    """A monotonic time that is aws_seconds away on the emulator's clock."""
    return time.monotonic() + real_seconds(aws_seconds)
