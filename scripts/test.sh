#!/usr/bin/env bash
# `npm test`: installs what the tests need, then lint, type check, unit + GPU tests (Node, Dawn),
# and end-to-end tests (Playwright, headless Chromium with WebGPU on SwiftShader).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s ==\n' "$*"; }

step "system packages"
bash scripts/install-system.sh
step "npm packages"
node scripts/ensure-deps.mjs
step "lint (biome)"
npx biome check .
step "type check (tsc)"
npx tsc --noEmit -p tsconfig.json
step "unit and GPU tests (vitest, Dawn)"
npx vitest run
step "end-to-end tests (playwright, chromium)"
npx playwright test
