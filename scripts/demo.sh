#!/usr/bin/env bash
# The main job: the end-to-end demo on the bundled synthetic data.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_cargo
cd "$ROOT"
cargo run -q --example day_in_the_life
echo
cargo run -q --features sqlite --example care_plan
