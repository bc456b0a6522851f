#!/usr/bin/env bash
# Builds the uniffi library, generates the Kotlin and Swift bindings, compiles
# the Kotlin tests against the generated code and runs them on the JVM with
# JUnit 5. Prints `kotlin: N passed, N failed` and fails if any test failed.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_cargo
ensure_kotlin

cd "$ROOT"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
say "building carecoord-mobile and uniffi-bindgen"
cargo build -q -p carecoord-mobile -p uniffi-bindgen
LIB="$TARGET/debug/libcarecoord_mobile.so"
OUT="$TARGET/bindings"
rm -rf "$OUT"
for lang in kotlin swift; do
    "$TARGET/debug/uniffi-bindgen" generate --library "$LIB" --language "$lang" \
        --out-dir "$OUT/$lang" --no-format >/dev/null
done

# The Swift bindings are kept in the repository for iOS teams. No Swift
# toolchain can be installed here, so they are generated and checked to be
# current, but not compiled.
if ! diff -r -q "$OUT/swift" "$ROOT/bindings-mobile/swift" >/dev/null 2>&1; then
    echo "bindings-mobile/swift is out of date: run scripts/update-swift.sh and commit" >&2
    exit 1
fi

# No public Swift name may shadow a Foundation or SwiftUI type an app uses
# beside ours (issue 16: `Bundle`, `Section` and `Text` once did).
CLASHES="Bundle Calendar Color Data Date Decimal Error Form Group Image Label Link List Locale Menu Notification Operation Picker Process Progress Section Stepper Table Text Timer Toggle URL UUID View"
found=$(grep -hoE "^(public|open) (struct|enum|class|typealias|protocol) [A-Za-z]+" "$ROOT"/bindings-mobile/swift/*.swift | awk '{print $3}' | sort -u)
for name in $CLASHES; do
    if printf '%s\n' "$found" | grep -qx "$name"; then
        echo "bindings-mobile/swift declares $name, which shadows Foundation or SwiftUI: rename it for uniffi" >&2
        exit 1
    fi
done

CLASSES="$TARGET/kotlin-tests/classes"
rm -rf "$CLASSES" && mkdir -p "$CLASSES"
JARS=/usr/share/java
CP="$JARS/jna.jar:$JARS/junit-platform-console-standalone.jar:$JARS/gson.jar"
say "compiling Kotlin bindings and tests"
if ! "$KOTLIN_HOME/bin/kotlinc" -nowarn -jvm-target 17 -cp "$CP" -d "$CLASSES" \
    "$OUT/kotlin" "$ROOT/bindings-mobile/kotlin" "$ROOT/bindings-mobile/tests/kotlin"; then
    echo "kotlin: 0 passed, 1 failed (compilation)"
    exit 1
fi

say "running Kotlin tests on the JVM"
LOG="$TARGET/kotlin-tests/junit.log"
set +e
java -Djna.library.path="$TARGET/debug" -Dcarecoord.vectors="$ROOT/tests/conformance" \
    -jar "$JARS/junit-platform-console-standalone.jar" \
    --class-path "$CLASSES:$KOTLIN_HOME/lib/kotlin-stdlib.jar:$JARS/jna.jar:$JARS/gson.jar" \
    --select-package org.carecoord --details=tree --disable-banner >"$LOG" 2>&1
status=$?
set -e
grep -E "✘|\[X\]|Exception|expected:" "$LOG" | head -40 || true
passed=$(sed -nE 's/^\[ *([0-9]+) tests successful *\]$/\1/p' "$LOG")
failed=$(sed -nE 's/^\[ *([0-9]+) tests failed *\]$/\1/p' "$LOG")
echo "kotlin: ${passed:-0} passed, ${failed:-0} failed"
if [ "$status" -ne 0 ] || [ "${passed:-0}" -eq 0 ] || [ "${failed:-1}" -ne 0 ]; then
    tail -40 "$LOG" >&2
    exit 1
fi
