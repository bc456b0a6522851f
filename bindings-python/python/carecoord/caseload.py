"""Caseload prioritisation: who needs help first, and why.

Risk rules are data: a TOML (or JSON) rule file declares the fields it reads,
scoring rules, tiers and overrides, and its own tests. Load it once, then
score one patient at a time.

>>> from carecoord.caseload import RuleSet
>>> rules = RuleSet.from_toml("../examples/rules/frailty_priority.toml")
>>> all(t.passed for t in rules.run_tests())
True
>>> rules.tiers
['urgent', 'high', 'medium', 'low']
"""

from __future__ import annotations

from carecoord._native import Explanation, Priority, Reason, RuleSet, TestOutcome

__all__ = ["Explanation", "Priority", "Reason", "RuleSet", "TestOutcome"]
