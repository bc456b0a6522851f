# Shared helpers for the scripts in this folder. Source it; do not run it.
# Each ensure_* installs what is missing and is quick when it is already there.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
VENV="$ROOT/.venv"
KOTLIN_VERSION="2.4.20"
MATURIN_VERSION="1.16.0"

say() { printf '\n==> %s\n' "$*"; }

ensure_cargo() {
    command -v cargo >/dev/null || { echo "cargo not found: install Rust from rustup first" >&2; exit 1; }
}

# Debian packages, installed only if a file they provide is missing.
ensure_apt() { # ensure_apt FILE PACKAGE...
    local file="$1"; shift
    [ -e "$file" ] && return 0
    say "installing $* (for $file)"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    if [ -z "${CARECOORD_APT_UPDATED:-}" ]; then
        $sudo apt-get update -qq
        export CARECOORD_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# A virtualenv in .venv with maturin, pytest and mypy, and the data stack
# analysts bring (pyarrow, polars, pandas, numpy) for the table tests,
# the synthetic caseload and the benchmarks.
ensure_python() {
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating $VENV"
        python3 -m venv "$VENV"
    fi
    if ! "$VENV/bin/python" -c "import maturin, pytest, mypy, pyarrow, polars, pandas, numpy" 2>/dev/null \
        || [ "$("$VENV/bin/maturin" --version 2>/dev/null | awk '{print $2}')" != "$MATURIN_VERSION" ]; then
        say "installing maturin $MATURIN_VERSION, pytest, mypy, pyarrow, polars, pandas, numpy"
        "$VENV/bin/pip" install -q --disable-pip-version-check "maturin==$MATURIN_VERSION" "pytest>=8" "mypy>=1.10" \
            "pyarrow>=15" "polars>=1.0" "pandas>=2.2" "numpy>=1.26"
    fi
}

# Builds the Python extension into the virtualenv (editable install).
build_python() {
    ensure_python
    say "building the Python package with maturin"
    (cd "$ROOT/bindings-python" && VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" maturin develop -q)
}

# kotlinc from the npm package, the JNA, JUnit 5 and Gson jars from Debian.
ensure_kotlin() {
    KOTLIN_HOME="$TOOLS/kotlin/node_modules/kotlin-compiler"
    if [ ! -x "$KOTLIN_HOME/bin/kotlinc" ]; then
        command -v npm >/dev/null || ensure_apt /usr/bin/npm npm
        say "installing kotlin-compiler $KOTLIN_VERSION from npm"
        npm install --prefix "$TOOLS/kotlin" --no-audit --no-fund --silent "kotlin-compiler@$KOTLIN_VERSION" >/dev/null
    fi
    command -v java >/dev/null || ensure_apt /usr/bin/java openjdk-17-jdk-headless
    ensure_apt /usr/share/java/jna.jar libjna-java libjna-jni
    ensure_apt /usr/share/java/junit-platform-console-standalone.jar junit5
    ensure_apt /usr/share/java/gson.jar libgoogle-gson-java
    export KOTLIN_HOME
}
