#!/usr/bin/env bash
# Server tests for the web role: each check prints ok/not ok; any failure exits non-zero.
set -u
failures=0
check() { if eval "$2" >/dev/null 2>&1; then echo "ok - $1"; else echo "not ok - $1"; failures=$((failures + 1)); fi; }

check "nginx is installed"                   "rpm -q nginx"
check "nginx is enabled"                     "systemctl is-enabled nginx"
check "nginx is running"                     "systemctl is-active nginx"
check "the site configuration is in place"   "grep -q 'location = /healthz' /etc/nginx/conf.d/kiln-site.conf"
check "the configuration is valid"           "nginx -t"
check "the health check answers ok"          "curl -fsS http://127.0.0.1/healthz | grep -qx ok"

echo "$failures failed"
exit $((failures > 0))
