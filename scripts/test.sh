#!/usr/bin/env bash
# `npm test`: installs what the tests need, then lint, type check, unit + GPU tests (Node, Dawn),
# and end-to-end tests (Playwright, headless Chromium with WebGPU on SwiftShader).
# Every check runs even if an earlier one failed; the last line counts the tests, and the exit
# status is non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s ==\n' "$*"; }
failed=()
# check NAME[:REPORT] COMMAND...: runs a check, remembering its name (and JSON report) on failure.
check() {
  local id=$1
  shift
  step "${id%%:*}"
  "$@" || failed+=("--failed=$id")
}

step "system packages"
bash scripts/install-system.sh || exit 1
step "npm packages"
node scripts/ensure-deps.mjs || exit 1

mkdir -p test-results
rm -f test-results/vitest.json test-results/e2e.json
check lint npx biome check .
check types npx tsc --noEmit -p tsconfig.json
check vitest:test-results/vitest.json \
  npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json
check e2e:test-results/e2e.json \
  env PLAYWRIGHT_JSON_OUTPUT_NAME=test-results/e2e.json npx playwright test --reporter=list,json

step "summary"
node scripts/test-summary.mjs test-results/vitest.json test-results/e2e.json "${failed[@]}"
[ ${#failed[@]} -eq 0 ]
