#!/usr/bin/env bash
# Install what the LHC-Forms round trip (tests/test_fhir_roundtrip.py) needs, when it is missing:
# Debian's chromium, and from npm the versions pinned in package-lock.json: lforms (the US
# National Library of Medicine's FHIR form renderer) and puppeteer-core (drives the browser; it
# downloads no browser of its own). lforms 40 needs --legacy-peer-deps for its Angular peers.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1 && [ -z "${CHROMIUM:-}" ]; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm
fi
if [ ! -f node_modules/lforms/package.json ] || [ ! -f node_modules/puppeteer-core/package.json ] \
    || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --legacy-peer-deps --no-audit --no-fund --loglevel=error
fi
