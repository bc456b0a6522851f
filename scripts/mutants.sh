#!/usr/bin/env bash
# Mutation testing of the safety-critical modules with cargo-mutants: routing
# eligibility and escalation, consent and sharing, the care-plan lifecycle,
# caseload scoring and overrides, and the diary check. Each mutant (an
# inverted comparison, a deleted `!`, a function returning a default) must
# make a test fail; the only survivors allowed are those listed, each with
# its reason, in .cargo/mutants.toml.
#
#   bash scripts/mutants.sh                      # every mutant (about two hours on two cores)
#   bash scripts/mutants.sh --file core/src/routing/route.rs
#   bash scripts/mutants.sh --since HEAD~1       # only mutants in lines changed since a commit (CI)
#
# Mutants are applied in place, one at a time, and each file is restored
# after: do not edit the tree while it runs. Results are in mutants.out/.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_cargo
cd "$ROOT"

# The safety-critical modules: routing eligibility and escalation; consent
# and sharing; the care-plan lifecycle and its checks; caseload scoring,
# tiers and overrides; the diary check.
SAFETY=(
    core/src/routing/route.rs
    core/src/careplan/consent.rs
    core/src/careplan/history.rs
    core/src/caseload/ruleset.rs
    core/src/caseload/assemble.rs
    core/src/conflicts/diary.rs
)

args=()
if [ "${1:-}" = "--since" ]; then
    base="${2:?--since needs a commit}"
    if ! git rev-parse -q --verify "$base^{commit}" >/dev/null; then
        echo "mutants: no commit $base here (a shallow clone?): nothing to compare with"
        exit 0
    fi
    changed=$(git diff --name-only "$base" HEAD -- "${SAFETY[@]}")
    if [ -z "$changed" ]; then
        echo "mutants: no safety-critical module changed since $base"
        exit 0
    fi
    mkdir -p "$ROOT/target"
    git diff "$base" HEAD -- "${SAFETY[@]}" >"$ROOT/target/mutants-since.diff"
    for f in "${SAFETY[@]}"; do args+=(--file "$f"); done
    args+=(--in-diff "$ROOT/target/mutants-since.diff")
elif [ "$#" -gt 0 ]; then
    args+=("$@")
else
    for f in "${SAFETY[@]}"; do args+=(--file "$f"); done
fi

if ! command -v cargo-mutants >/dev/null; then
    say "installing cargo-mutants"
    cargo install cargo-mutants --locked
fi

say "building the tests once (mutants are built incrementally from here)"
cargo test --features arrow,sqlite --lib --test conformance --no-run -q

say "mutation testing: ${args[*]:-every safety-critical module}"
# --baseline=skip: the tests were just built and CI runs them in full anyway.
cargo mutants -p carecoord --in-place --baseline=skip --timeout 180 "${args[@]}"
