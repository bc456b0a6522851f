#!/usr/bin/env bash
# Every test: Rust (unit, property, conformance, doc tests), Python (pytest,
# including the conformance vectors and doc tests) and Kotlin (JUnit 5 on the
# JVM). Installs what it needs; fails on the first failing suite.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_cargo
cd "$ROOT"

say "Rust: cargo test"
cargo test --features arrow,sqlite
# The core's FFI conversions (behind its uniffi feature) and the mobile
# crate's own (Kotlin runs their API below).
cargo test -p carecoord --features uniffi --lib ffi::
cargo test -p carecoord-mobile

say "Python: pytest"
build_python
(cd "$ROOT/bindings-python" && "$VENV/bin/python" -m pytest)
say "Python: stubs match the native module (stubtest); the package and tests type-check (mypy --strict)"
(cd "$ROOT/bindings-python" && "$VENV/bin/python" -m mypy.stubtest carecoord._native \
    && "$VENV/bin/python" -m mypy --strict python/carecoord tests)

say "Kotlin: JUnit 5 on the JVM"
bash "$ROOT/scripts/test-kotlin.sh"

say "Parity: Python and Kotlin offer the same capabilities (differences listed with reasons)"
"$VENV/bin/python" "$ROOT/scripts/parity.py" "${CARGO_TARGET_DIR:-$ROOT/target}/bindings/kotlin"
