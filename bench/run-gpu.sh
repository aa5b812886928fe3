#!/usr/bin/env bash
# One-shot GPU benchmark for a session with a real GPU: matmul + DAP + Evoformer benches at the
# full default sizes (evoformer: N_res 64,128,256, N_seq 128, extra 1024, plus one full recycle;
# dap: P = 1..4 devices on the one GPU, full channel sizes, N_res 128, N_seq 128, extra 512),
# results in bench/results/<adapter>-{matmul,dap,evoformer}.json and a log in bench/results/.
# Installs nothing beyond `npm ci` (only when node_modules is missing).
#
# usage: bash bench/run-gpu.sh [TOTAL_SECONDS]   (default 480, to fit one 10-minute device command;
#        each bench gets a share)
# Environment: VK_ICD_FILENAMES picks the Vulkan driver; when unset, src/gpu/node.ts leaves the
# choice to the Vulkan loader on a machine with a GPU (/dev/nvidia0 or a DRM render node).
set -euo pipefail
cd "$(dirname "$0")/.."
TOTAL=${1:-480}
START=$(date +%s)
left() { echo $((TOTAL - ($(date +%s) - START))); }

if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi

mkdir -p bench/results
LOG=bench/results/run-gpu-$(date -u +%Y%m%dT%H%M%SZ).log
NODE=(node --import ./scripts/register.mjs)

# matmul: a third of the time at most
T=$(( $(left) / 3 ))
echo "run-gpu: matmul bench (cap ${T}s)" | tee -a "$LOG" >&2
timeout --kill-after=10 "$T" "${NODE[@]}" bench/matmul.ts --shapes all >/dev/null 2>>"$LOG" \
  || echo "run-gpu: matmul bench failed or hit its cap (rc $?)" | tee -a "$LOG" >&2

# dap: a third of what is left at most (it writes its JSON after every P, so a cut keeps those)
T=$(( $(left) / 3 ))
echo "run-gpu: dap bench (cap ${T}s)" | tee -a "$LOG" >&2
timeout --kill-after=10 "$T" "${NODE[@]}" bench/dap.ts --dims full --length 128 --msa 128 \
  --extra 512 >/dev/null 2>>"$LOG" \
  || echo "run-gpu: dap bench failed or hit its cap (rc $?)" | tee -a "$LOG" >&2

# evoformer: the rest, with one full recycle per length
T=$(( $(left) - 5 ))
if [ "$T" -lt 30 ]; then echo "run-gpu: no time left for the evoformer bench" >&2; exit 1; fi
echo "run-gpu: evoformer bench (cap ${T}s)" | tee -a "$LOG" >&2
timeout --kill-after=10 "$T" "${NODE[@]}" bench/evoformer.ts --lengths 64,128,256 --msa 128 \
  --extra 1024 --recycle --cpu-max-s 60 >/dev/null 2>>"$LOG" \
  || echo "run-gpu: evoformer bench failed or hit its cap (rc $?)" | tee -a "$LOG" >&2

echo "run-gpu: done in $(( $(date +%s) - START ))s; results:" >&2
ls -l bench/results/*.json >&2
