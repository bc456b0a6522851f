#!/usr/bin/env bash
# Fuzzes every loader and parser of the core with cargo-fuzz (libFuzzer, on
# the nightly toolchain): rule files, service directories, the expression
# language, RRULE strings, care-plan JSON, SQLite plan files, NHS numbers and
# London wall times. Each target starts from a seed corpus made from the
# repository's own examples and conformance vectors.
#
#   bash scripts/fuzz.sh            # 10 s a target (as CI runs it)
#   bash scripts/fuzz.sh 600        # 10 minutes a target
#   bash scripts/fuzz.sh 600 rrule  # one target
#
# Prints each target's runs ("Done N runs in S second(s)"); a crash stops the
# script with the input that caused it saved under core/fuzz/artifacts/.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_cargo
SECONDS_EACH="${1:-10}"
ONLY="${2:-}"
cd "$ROOT/core"

if ! rustup toolchain list | grep -q '^nightly'; then
    say "installing the nightly toolchain (cargo-fuzz needs it)"
    rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz >/dev/null; then
    say "installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

TARGETS=(rules directory expression rrule careplan_json sqlite_file nhs_number london_time)
CORPUS="$ROOT/core/fuzz/corpus"

# Seeds: the repository's own inputs of each kind, one file each.
seed() { # seed TARGET FILE...
    mkdir -p "$CORPUS/$1"
    local target="$1"; shift
    for f in "$@"; do cp "$f" "$CORPUS/$target/seed-$(basename "$f")"; done
}
seed rules "$ROOT"/examples/rules/*.toml
seed directory "$ROOT"/examples/routing/*.toml
seed sqlite_file "$ROOT"/tests/fixtures/*.sqlite
python3 - "$ROOT" "$CORPUS" <<'PY'
import json, pathlib, sys
root, corpus = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
def put(target, name, text):
    d = corpus / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_text(text)
def walk(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v)
    else:
        yield value
for path in sorted((root / "tests" / "conformance").glob("*.json")):
    cases = json.loads(path.read_text())["cases"]
    for n, case in enumerate(cases):
        inp = case.get("input", {})
        for k, v in (inp.items() if isinstance(inp, dict) else []):
            if not isinstance(v, str):
                continue
            if k == "json":
                put("careplan_json", f"{path.stem}-{n}", v)
            elif k in ("rules", "rules_toml"):
                put("rules", f"{path.stem}-{n}", v)
            elif k in ("directory", "directory_toml"):
                put("directory", f"{path.stem}-{n}", v)
            elif k == "text":
                put("nhs_number", f"{path.stem}-{n}", v)
            elif k in ("local", "at", "instant"):
                put("london_time", f"{path.stem}-{n}", v)
        for step in inp.get("steps", []) if isinstance(inp, dict) else []:
            if "change" in step:
                put("careplan_json", f"{path.stem}-{n}-change-{step['change']['type']}", json.dumps(step["change"]))
        for m, v in enumerate(walk(inp)):
            if isinstance(v, str) and v.startswith(("RRULE:", "FREQ=")):
                put("rrule", f"{path.stem}-{n}-{m}", v)
for n, text in enumerate(["FREQ=WEEKLY;INTERVAL=8;BYDAY=TU;COUNT=4", "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20271231",
                          "RRULE:FREQ=DAILY;COUNT=10", "FREQ=MONTHLY;BYMONTHDAY=31,-1;COUNT=12"]):
    put("rrule", f"seed-{n}", text)
for path in sorted((root / "examples").glob("*/*.toml")):
    for n, line in enumerate(path.read_text().splitlines()):
        if line.strip().startswith(("when", "criteria")) and "=" in line:
            put("expression", f"{path.stem}-{n}", line.split("=", 1)[1].strip().strip('"'))
PY

say "building the fuzz targets (nightly, optimised, with sanitizers)"
cargo +nightly fuzz build -O

for target in "${TARGETS[@]}"; do
    [ -n "$ONLY" ] && [ "$target" != "$ONLY" ] && continue
    mkdir -p "$CORPUS/$target"
    say "fuzzing $target for ${SECONDS_EACH}s"
    log="$ROOT/core/fuzz/target/$target.log"
    mkdir -p "$(dirname "$log")"
    # -rss_limit_mb: a leak or an unbounded allocation is a finding too.
    if ! cargo +nightly fuzz run -O "$target" "$CORPUS/$target" -- \
        -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
        >"$log" 2>&1; then
        tail -60 "$log"
        echo "fuzz: $target found a crash (input saved under core/fuzz/artifacts/$target/)" >&2
        exit 1
    fi
    runs=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1)
    echo "fuzz: $target: ${runs:-no summary} (corpus $(ls "$CORPUS/$target" | wc -l) inputs)"
done
