#!/usr/bin/env bash
# The main job on the bundled sample data (the README's first set-up command runs it): what a CX
# team asks first, one cxkit command per question. Usage: examples/main_job.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-build/release}/cxkit"
data=examples/data
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "What is in the log?"
"$bin" log info "$data/interactions.csv"

step "How satisfied are customers, where? (CSAT, NPS, CES per touchpoint, 95% intervals)"
"$bin" scores "$data/interactions.csv" --by touchpoint

step "What drives satisfaction? (betas, relative weights, Shapley/LMG)"
"$bin" drivers "$data/interactions.csv" --target csat \
  --drivers attentiveness,empathy,authenticity,ownership,competence,wait_time

step "Does a well-resolved problem leave customers more loyal? (service recovery)"
"$bin" effects recovery "$data/interactions.csv" --tx "$data/transactions.csv"

step "Who will keep buying, and what is a customer worth? (RFM summary, BG/NBD fit)"
"$bin" clv summary "$data/transactions.csv" --end 2024-12-31 --period week > "$out/rfm.csv"
"$bin" clv fit --model bgnbd "$out/rfm.csv"

step "What if we coach the front line? (simulation, 5000 customers)"
"$bin" simulate examples/scenarios/sample.json --customers 5000 --replications 3 --no-logs \
  --out "$out/sim"
head -5 "$out/sim/series.csv"
