"""Referral routing: a service directory, ranked matches with reasons, and
the escalations that must never be missed.

Load a directory (TOML or JSON) once, then route one referral (``route``) or
a whole table of them (``route_table``: pyarrow, polars, DuckDB or pandas
in, a long-form pyarrow Table out, on every core with the GIL released).
A safeguarding need always goes to the named safeguarding lead first, a
clinical red flag to the escalation route; nothing eligible is an explicit
``"unmet"`` outcome, never an empty success.

>>> from carecoord.routing import Directory
>>> d = Directory.from_toml("../examples/routing/directory.toml")
>>> r = d.route({"id": "R1", "age": 79, "sex": "female", "district": "LS6",
...              "pcn": "U00001", "needs": ["loneliness", "debt"],
...              "urgency": "routine", "consent": "given",
...              "at": "2026-11-23T10:15:00Z", "lives_alone": True})
>>> [m.service_id for m in r.matches]
['sp_north', 'debt_advice', 'befriending_65']
>>> r.matches[0].referral_code
'871731000000106'
"""

from __future__ import annotations

from carecoord._native import Directory, DirectoryRegistry, Match, Routing

__all__ = ["Directory", "DirectoryRegistry", "Match", "Routing"]
