#!/usr/bin/env python3
"""How much hand-written Rust the bindings hold against the core's non-test
Rust (issue 16: at most a fifth). CI prints it; `--max PERCENT` fails above.

Counted: every line of bindings-python/src and bindings-mobile/src (the
generated Kotlin and Swift are not Rust and not counted); in core/src every
line outside test code (files named tests.rs, and `#[cfg(test)]` modules,
which this codebase keeps at the end of a file)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def non_test_lines(path: Path) -> int:
    if path.name == "tests.rs":
        return 0
    text = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(text):
        if line.strip() == "#[cfg(test)]" and i + 1 < len(text) and text[i + 1].lstrip().startswith("mod "):
            # A test module declared inline runs to the end of the file; one
            # declared as `mod tests;` is a file of its own (counted as 0).
            if text[i + 1].rstrip().endswith(";"):
                continue
            return i
    return len(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max", type=float, help="fail if the bindings exceed this percentage")
    args = parser.parse_args()
    core = sum(non_test_lines(p) for p in sorted((ROOT / "core/src").rglob("*.rs")))
    python = sum(lines(p) for p in sorted((ROOT / "bindings-python/src").rglob("*.rs")))
    mobile = sum(lines(p) for p in sorted((ROOT / "bindings-mobile/src").rglob("*.rs")))
    share = 100 * (python + mobile) / core
    print(
        f"binding share: {python + mobile} binding lines (python {python}, mobile {mobile}) "
        f"against {core} core non-test lines = {share:.1f}% (goal: at most 20%)"
    )
    if args.max is not None and share > args.max:
        print(f"binding share {share:.1f}% is above {args.max}%", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
