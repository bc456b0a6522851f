"""Identifiers: the NHS number.

>>> from carecoord.ids import NhsNumber
>>> NhsNumber.is_valid("943 476 5918")
False
"""

from __future__ import annotations

from carecoord._native import NhsNumber

__all__ = ["NhsNumber"]
