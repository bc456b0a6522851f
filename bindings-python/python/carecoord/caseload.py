"""Caseload prioritisation: who needs help first, and why.

Risk rules are data: a TOML (or JSON) rule file declares the fields it reads,
scoring rules, tiers and overrides, and its own tests. Load it once, then
score one patient (``evaluate``, ``explain``) or a whole caseload table
(``evaluate_table``: pyarrow, polars, DuckDB or pandas in, a pyarrow Table
out, on every core with the GIL released). Both give the same results.

pandas: integer columns with missing values become float64 in plain pandas;
keep their types with ``df.convert_dtypes(dtype_backend="pyarrow")`` or
``table.to_pandas(types_mapper=pd.ArrowDtype)``.

>>> from carecoord.caseload import RuleSet
>>> rules = RuleSet.from_toml("../examples/rules/frailty_priority.toml")
>>> all(t.passed for t in rules.run_tests())
True
>>> rules.tiers
['urgent', 'high', 'medium', 'low']
"""

from __future__ import annotations

from carecoord._native import (
    Explanation,
    ImpactReport,
    Priority,
    Reason,
    RuleRegistry,
    RuleSet,
    TestOutcome,
    impact,
)

__all__ = ["Explanation", "ImpactReport", "Priority", "Reason", "RuleRegistry", "RuleSet", "TestOutcome", "impact"]
