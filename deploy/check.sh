#!/usr/bin/env bash
# Deploy checks, run by .ci/run (and by hand before committing deploy/ changes):
#   1. promtool check config  - the scrape config (and the rule file it loads)
#   2. promtool check rules   - the alert rules
#   3. promtool test rules    - the alert unit tests in prometheus/tests/
#   3b. amtool check-config   - the Alertmanager routes, receivers and inhibitions
#   4. the Grafana panel queries parse as PromQL (needs cargo; set
#      SKIP_DASHBOARD_QUERIES=1 to skip). The dashboard's freshness itself is
#      checked by `cargo test -p xtask` / `cargo xtask dashboards --check`.
#   5. tsc --strict       - every committed dashboard type-checks against
#      Grafana's published schema (@grafana/schema, pinned in
#      grafana/schema-check/package.json; `npm ci` installs it there).
# Exits non-zero on the first failure. Needs promtool: deploy/install-prometheus.sh;
# needs node and npm (Debian `nodejs`, `npm`) for step 5.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prom="$here/prometheus"

for tool in promtool amtool; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "deploy/check.sh: $tool not found; run deploy/install-prometheus.sh" \
             "(apt-get install -y prometheus prometheus-alertmanager)" >&2
        exit 1
    fi
done

echo "== promtool check config"
promtool check config "$prom/prometheus-ringct.yml"

echo "== promtool check rules"
promtool check rules "$prom/prometheus-zk-alerts.yml"

echo "== promtool test rules"
shopt -s nullglob
tests=("$prom"/tests/*.test.yml)
if [ "${#tests[@]}" -eq 0 ]; then
    echo "deploy/check.sh: no promtool tests in $prom/tests" >&2
    exit 1
fi
promtool test rules "${tests[@]}"

echo "== amtool check-config"
amtool check-config "$here/alertmanager/alertmanager.yml"

if [ "${SKIP_DASHBOARD_QUERIES:-0}" != "1" ] && command -v cargo >/dev/null 2>&1; then
    echo "== dashboard panel queries parse as PromQL"
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    (cd "$here/.." && cargo xtask dashboards --list-queries) >"$tmp/queries.txt"
    if [ ! -s "$tmp/queries.txt" ]; then
        echo "deploy/check.sh: cargo xtask dashboards --list-queries printed nothing" >&2
        exit 1
    fi
    # Each query becomes a recording rule; $job and $instance become ".*" as
    # Grafana's "All" does. YAML single quotes: double any single quote.
    {
        echo "groups:"
        echo "  - name: grafana-panel-queries"
        echo "    rules:"
        n=0
        while IFS= read -r expr; do
            [ -z "$expr" ] && continue
            n=$((n + 1))
            expr="${expr//\$instance/.*}"
            expr="${expr//\$job/.*}"
            expr="${expr//\'/\'\'}"
            echo "      - record: grafana:panel_query_$n"
            echo "        expr: '$expr'"
        done <"$tmp/queries.txt"
    } >"$tmp/panel-queries.yml"
    promtool check rules "$tmp/panel-queries.yml"
fi

echo "== dashboards type-check against @grafana/schema (tsc --strict)"
for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "deploy/check.sh: $tool not found; the Grafana schema check needs node and npm" \
             "(apt-get install -y nodejs npm)" >&2
        exit 1
    fi
done
(
    cd "$here/grafana/schema-check"
    npm ci --no-audit --no-fund --loglevel=error
    node write-checks.mjs
    npx --no-install tsc --strict --noEmit -p tsconfig.json
)

echo "deploy checks passed"
