#!/usr/bin/env bash
# Regenerates the Swift bindings kept in bindings-mobile/swift/.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_cargo
cd "$ROOT"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
cargo build -q -p carecoord-mobile -p uniffi-bindgen
rm -rf bindings-mobile/swift
"$TARGET/debug/uniffi-bindgen" generate --library "$TARGET/debug/libcarecoord_mobile.so" \
    --language swift --out-dir bindings-mobile/swift --no-format >/dev/null
echo "updated bindings-mobile/swift"
