#!/usr/bin/env bash
# Installs Prometheus and promtool (`prometheus`) and Alertmanager and amtool
# (`prometheus-alertmanager`) from Debian if missing, then makes sure no
# packaged Prometheus or Alertmanager service is left running:
# the Debian package may start one on :9090 at install time, which is the port
# the RingCT bench serves /metrics on (our own Prometheus runs on :9091).
#
# Safe to run repeatedly. Needs root (CI runs as root).
set -euo pipefail

if ! command -v promtool >/dev/null 2>&1 || ! command -v amtool >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    # Without recommends: Debian's prometheus recommends prometheus-node-exporter,
    # which starts on :9100, the port the supervm-runtime job (deploy/prometheus)
    # scrapes for the node, which would then silently scrape node-exporter instead.
    apt-get install -y --no-install-recommends prometheus prometheus-alertmanager
fi

# Stop the packaged service if the install (or a boot) started it. Containers
# without systemd usually refuse the start (policy-rc.d); then this is a no-op.
# prometheus-node-exporter too, in case an earlier install (or the machine image)
# brought it: it would answer on :9100 in the node's place.
for svc in prometheus prometheus-alertmanager prometheus-node-exporter; do
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        systemctl stop "$svc" 2>/dev/null || true
        systemctl disable "$svc" 2>/dev/null || true
    elif [ -x "/etc/init.d/$svc" ]; then
        "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
    fi
done
# Last resort: the Debian service's own pid file (never a match by name).
pidfile=/run/prometheus/prometheus.pid
if [ -f "$pidfile" ]; then
    pid=$(cat "$pidfile")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" || true
    fi
fi

promtool --version | head -n 1
