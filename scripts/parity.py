#!/usr/bin/env python3
"""Python and Kotlin offer the same capabilities (issue 16).

Lists every public Python callable (module functions, and the methods and
static methods of the package's classes) and every Kotlin function uniffi
generated (top-level functions, object methods and constructors), both as
`Class.snake_name`, and fails on a difference that is not in
scripts/parity-allow.txt, where each allowed difference has its reason. An
allowed difference that no longer exists also fails, so the list only
shrinks.

    python scripts/parity.py target/bindings/kotlin      # after test-kotlin.sh generated it
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULES = ["carecoord", "carecoord.ids", "carecoord.time", "carecoord.caseload",
           "carecoord.routing", "carecoord.conflicts", "carecoord.careplan"]
# Kotlin names for Python classes that are named differently.
KOTLIN_CLASS = {"Change": "PlanChange"}


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def python_api(objects: set[str]) -> set[str]:
    """Python callables; a getter counts too where Kotlin has an object (whose
    getters are methods), not where it has a record (whose are fields)."""
    out: set[str] = set()
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if name.startswith("_") or inspect.ismodule(value):
                continue
            if getattr(value, "__module__", "").split(".")[0] != "carecoord":
                continue
            if inspect.isclass(value):
                if issubclass(value, BaseException):
                    continue
                cls = KOTLIN_CLASS.get(name, name)
                for attr, member in vars(value).items():
                    getter = isinstance(member, property) or type(member).__name__ == "getset_descriptor"
                    if attr.startswith("_") or (getter and cls not in objects):
                        continue
                    out.add(f"{cls}.{attr}")
            elif callable(value):
                out.add(name)
    return out


def kotlin_api(generated: Path) -> tuple[set[str], set[str]]:
    """Kotlin functions, and the names of the objects (classes with methods)."""
    out: set[str] = set()
    objects: set[str] = set()
    declaration = re.compile(
        r"^(public |internal |private |open |data |enum |sealed |abstract )*(class|object|interface|typealias)\b"
    )
    for path in sorted(generated.rglob("*.kt")):
        context = None
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^public interface (\w+)Interface\b", line) or re.match(r"^open class (\w+)\b", line)
            if m:
                context = m.group(1)
                objects.add(context)
                continue
            if declaration.match(line):
                context = None  # records, enums, converters: no methods of the API
                continue
            m = re.search(r"\bfun `(\w+)`\(", line)
            if m and not re.search(r"\boverride fun\b", line):
                name = snake(m.group(1))
                out.add(name if context is None else f"{context}.{name}")
    return out, objects


def allowed() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in (ROOT / "scripts/parity-allow.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, reason = line.partition("  ")
            if not reason.strip():
                sys.exit(f"parity-allow.txt: `{key}` has no reason")
            out[key.strip()] = reason.strip()
    return out


def main() -> int:
    generated = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "target/bindings/kotlin"
    kt, objects = kotlin_api(generated)
    py = python_api(objects)
    differences = {f"python-only {n}" for n in py - kt} | {f"kotlin-only {n}" for n in kt - py}
    allow = allowed()
    unexplained = sorted(differences - allow.keys())
    stale = sorted(allow.keys() - differences)
    print(f"parity: {len(py)} Python callables, {len(kt)} Kotlin functions, "
          f"{len(differences)} differences, all but {len(unexplained)} explained")
    for d in unexplained:
        print(f"  not allowed: {d}")
    for d in stale:
        print(f"  allowed but gone (remove it from scripts/parity-allow.txt): {d}")
    return 1 if unexplained or stale else 0


if __name__ == "__main__":
    sys.exit(main())
