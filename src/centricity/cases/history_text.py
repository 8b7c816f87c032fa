"""A case's history as staff read it: field names, values and the system's reasons in the
viewer's language.

The store keeps each change's reason in a small fixed vocabulary ("case opened",
"priority normal -> urgent; tags changed", "escalation: first_response target missed"),
the same words the API returns; the page translates each part and shows ids as names.
Unknown text (a reason from a later version) is shown as stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from centricity.cases.models import CaseEvent
from centricity.kit import i18n
from centricity.kit.i18n import gettext, pnoop, register_labels

FIELD_LABELS = register_labels(
    "case field",
    {
        "status": pnoop("case field", "status"),
        "priority": pnoop("case field", "priority"),
        "department_id": pnoop("case field", "department"),
        "assignee_id": pnoop("case field", "assignee"),
        "tags": pnoop("case field", "tags"),
        "policy_id": pnoop("case field", "service-level policy"),
        "tier": pnoop("case field", "tier"),
        "interaction": pnoop("case field", "linked contact"),
    },
)
_NAMED = frozenset({"department_id", "assignee_id", "policy_id", "tags"})
_CHANGE = re.compile(r"^(priority|department|tier) (\S+) -> (\S+)$")
_ESCALATION = re.compile(r"^escalation: (\w+) target missed$")


@dataclass(frozen=True)
class Names:
    """Names to show instead of stored ids."""

    users: dict[int, str]
    departments: dict[int, str]
    policies: dict[int, str]


@dataclass(frozen=True)
class EventLine:
    """One line of the history table."""

    at: datetime
    who: str
    field: str
    old: str
    new: str
    reason: str
    names: bool  # the values are names (a department, a person, a policy), not labels
    by_person: bool


def lines(events: list[CaseEvent], names: Names, system: str) -> list[EventLine]:
    """The history's lines, newest first; `system` names changes nobody made by hand."""
    return [
        EventLine(
            at=event.at,
            who=names.users.get(event.actor_user_id or 0, system)
            if event.actor_user_id
            else system,
            field=i18n.label_for("case field", event.field),
            old=value_text(event.field, event.old_value, names),
            new=value_text(event.field, event.new_value, names),
            reason=reason_text(event.reason, names),
            names=event.field in _NAMED,
            by_person=event.actor_user_id is not None,
        )
        for event in sorted(events, key=lambda e: (e.at, e.id), reverse=True)
    ]


def value_text(field: str, value: str | None, names: Names) -> str:
    """A stored value as the viewer reads it (a department's name, a translated status)."""
    if value is None or value == "":
        return "–"
    lookups = {
        "department_id": names.departments,
        "assignee_id": names.users,
        "policy_id": names.policies,
    }
    if field in lookups:
        return lookups[field].get(int(value), f"#{value}") if value.isdigit() else value
    if field == "status":
        return i18n.label_for("case status", value)
    if field == "priority":
        return i18n.label_for("priority", value)
    if field == "tier":
        return i18n.label_for("tier", value)
    return value


def reason_text(reason: str | None, names: Names) -> str:
    """The system's reason for a change in the viewer's language."""
    if not reason:
        return ""
    return "; ".join(
        _part(part.strip(), names) for part in re.split(r"; |: (?=\w+ \S+ -> )", reason)
    )


def _part(part: str, names: Names) -> str:
    if part == "case opened":
        return gettext("case opened")
    if part == "customer replied":
        return gettext("the customer replied")
    if part == "tags changed":
        return gettext("tags changed")
    if part == "imported":
        return gettext("imported from a file")
    if part == "tier re-evaluated":
        return gettext("the value analysis re-evaluated the tier")
    escalation = _ESCALATION.match(part)
    if escalation:
        target = i18n.label_for("target", escalation.group(1))
        return gettext("escalation: the %(target)s target was missed") % {"target": target}
    change = _CHANGE.match(part)
    if change:
        what, old, new = change.groups()
        field = {"department": "department_id"}.get(what, what)
        label = i18n.label_for("case field", field)
        return gettext("%(field)s %(old)s → %(new)s") % {
            "field": label,
            "old": value_text(field, old, names),
            "new": value_text(field, new, names),
        }
    return part
