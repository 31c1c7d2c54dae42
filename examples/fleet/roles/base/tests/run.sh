#!/usr/bin/env bash
# Server tests for the base role: each check prints ok/not ok; any failure exits non-zero.
set -u
failures=0
check() { if eval "$2" >/dev/null 2>&1; then echo "ok - $1"; else echo "not ok - $1"; failures=$((failures + 1)); fi; }

check "chrony is installed"          "rpm -q chrony"
check "chronyd is enabled"           "systemctl is-enabled chronyd"
check "chronyd is running"           "systemctl is-active chronyd"
check "the clock is in UTC"          "timedatectl show -p Timezone --value | grep -qx UTC"
check "the motd says Kiln baked it"  "grep -q 'Baked by Kiln' /etc/motd"
check "the SSM agent is enabled"     "systemctl is-enabled amazon-ssm-agent"

echo "$failures failed"
exit $((failures > 0))
