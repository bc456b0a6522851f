"""Personalised care and support plans, with their history and consent.

Every change is a :class:`Change` made on the version of the plan you read.
:meth:`PlanHistory.execute` (or a store's ``execute``) checks it against the
plan and appends an :class:`Event`; the :class:`CarePlan` is the fold of its
events. A change made on an old version raises :class:`~carecoord.exceptions.StaleVersion`
and writes nothing, so two people editing one plan never overwrite each
other. FHIR CarePlan statuses are enforced (:class:`~carecoord.exceptions.InvalidTransition`).

Sharing is decided by the library: :func:`can_share` says whether, on what
basis and why, releasing nothing; :meth:`PlanHistory.share` (or a store's
``share``) records the disclosure and returns the minimum-necessary
:class:`PlanView` for that recipient in one step (a carer's leaves out
clinical sections), so no view exists without its record. The safeguarding
lead receives the plan without consent, only with a recorded justification.

>>> from carecoord.careplan import Change, PlanHistory
>>> h = PlanHistory("plan-1")
>>> at = "2026-11-23T10:00:00Z"
>>> _ = h.execute(Change.create("local-42"), version=0, actor="care_coordinator", at=at)
>>> plan = h.execute(Change.add_goal("Get to my singing group every week"),
...                  version=1, actor="care_coordinator", at=at)
>>> plan
CarePlan(id='plan-1', status='draft', version=2, goals=1, actions=0)
>>> plan.goals[0].id, plan.goals[0].lifecycle
('goal-1', 'proposed')
"""

from __future__ import annotations

from carecoord._native import (
    Action,
    ActivityCount,
    ActivityRecord,
    Actor,
    CarePlan,
    Change,
    Consent,
    Disclosure,
    Event,
    Goal,
    MemoryStore,
    PlanHistory,
    PlanView,
    Recipient,
    Review,
    ReviewStatus,
    Risk,
    ShareDecision,
    SqliteStore,
    SupportPerson,
    Template,
    activity,
    aggregate,
    can_share,
    next_review,
    person_summary,
    review_status,
    reviews_due,
)

__all__ = [
    "Action",
    "ActivityCount",
    "ActivityRecord",
    "Actor",
    "CarePlan",
    "Change",
    "Consent",
    "Disclosure",
    "Event",
    "Goal",
    "MemoryStore",
    "PlanHistory",
    "PlanView",
    "Recipient",
    "Review",
    "ReviewStatus",
    "Risk",
    "ShareDecision",
    "SqliteStore",
    "SupportPerson",
    "Template",
    "activity",
    "aggregate",
    "can_share",
    "next_review",
    "person_summary",
    "review_status",
    "reviews_due",
]
