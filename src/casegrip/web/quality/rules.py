"""Local QA rules with their defaults: which audits are moderated, how long actions have, when
agreement statistics are shown. An installation may override any of them in its settings as
``CASEGRIP_QA_<NAME>`` (for example ``CASEGRIP_QA_RANDOM_SHARE = 0.2``)."""

import hashlib

from django.conf import settings

DEFAULTS = {
    # Moderation selection (practice.md 1.5): every Inadequate and Outstanding audit, a random
    # share of the rest, a new auditor's first audits, and every disputed grade.
    "RANDOM_SHARE": 0.10,
    "NEW_AUDITOR_FIRST": 3,
    # Agreement statistics: kappa is shown only from this many moderated audits (practice.md 7).
    "MIN_FOR_KAPPA": 30,
    # Action due dates by priority, in working days.
    "PRIORITY_DAYS": {"immediate": 1, "high": 5, "standard": 20},
    # A safeguarding escalation must be acknowledged within this many working days (0: the
    # same working day).
    "ACKNOWLEDGE_DAYS": 0,
}


def rule(name: str):
    return getattr(settings, f"CASEGRIP_QA_{name}", DEFAULTS[name])


def in_random_share(audit_id: int, share: float) -> bool:
    """A stable pseudo-random draw per audit, so a selection can be repeated and explained."""
    digest = hashlib.sha256(f"moderation:{audit_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share
