"""A small Voice store with answers whose figures the tests work out by hand.

Three surveys (NPS "Dostawa" of no department, CSAT "Czat" of department B, CES
"Zwroty" of department A), four customers (c1 Gold/Champions, c2 Silver/Loyal, c3 not
scored by the value run, and an erased one whose answers have no customer), two cases and
a contact that some invitations were about:

| # | survey | score | finished | customer | about | channel group | department |
|---|---|---|---|---|---|---|---|
| 1 | NPS | 10 | 2026-10-05 | c1 | case1 (A, phone) | phone | A |
| 2 | NPS | 9 | 2026-10-06 | c1 | — (e-mail) | survey_email | unknown |
| 3 | NPS | 3 | 2026-10-07 | c2 | case2 (B, chat) | chat | B |
| 4 | NPS | 7 | 2026-10-08 | c2 | — (link) | survey_link | unknown |
| 5 | NPS | 10 | 2026-11-03 | c3 | contact (B, email) | email | B |
| 6 | NPS | 0 | 2026-11-04 | erased | — (link) | survey_link | unknown |
| 7 | CSAT | 5 | 2026-11-10 | c1 | — (link) | survey_link | B |
| 8 | CSAT | 4 | 2026-11-11 | c2 | case3 (A, chat) | chat | A |
| 9 | CSAT | 2 | 2026-11-12 | erased | — (e-mail) | survey_email | B |
| 10 | CES | 2 | 2026-10-10 | c1 | — (link) | survey_link | A |
| 11 | CES | 4 | 2026-10-11 | c2 | — (link) | survey_link | A |
| 12 | CES | 6 | 2026-10-12 | c3 | — (link) | survey_link | A |

Answer 3 has a solved follow-up task, answer 6 an open one. Feedback items beside them:
the survey copy of answer 1 (must not be listed twice), a 2-star review of c1 in English,
an e-mail of c2 about case2 (department B) and a Czech chat message of c3.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from centricity.analytics.models import AnalyticsRun
from centricity.cases.models import Case
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.feedback.models import FeedbackItem
from centricity.interactions.models import Interaction
from centricity.surveys.models import Survey, SurveyInvitation, SurveyResponse
from centricity.value.models import CustomerValue

_tokens = itertools.count(1)


@dataclass
class VoiceStore:
    """Ids of what `fill` made."""

    department_a: int
    department_b: int
    customers: dict[str, int] = field(default_factory=dict)
    surveys: dict[str, int] = field(default_factory=dict)
    responses: dict[int, int] = field(default_factory=dict)  # answer number → response id
    items: dict[str, int] = field(default_factory=dict)


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


def _case(db: Session, customer: int, department: int, channel: str, **fields: object) -> int:
    case = Case(
        customer_id=customer,
        subject="Parcel",
        channel=channel,
        department_id=department,
        opened_at=_at("2026-09-01"),
        **fields,
    )
    db.add(case)
    db.flush()
    return case.id


def _value_run(db: Session, scores: dict[int, tuple[str, str]]) -> None:
    """A finished value run scoring `scores` (customer → (segment, tier)), and an older
    one that says otherwise (the figures must read the latest)."""
    for as_of, swap in ((date(2026, 6, 1), True), (date(2026, 12, 1), False)):
        run = AnalyticsRun(
            kind="value",
            as_of_date=as_of,
            params_key=f"k{as_of}",
            status="done",
            finished_at=datetime.combine(as_of, datetime.min.time(), UTC),
        )
        db.add(run)
        db.flush()
        for customer, (segment, tier) in scores.items():
            db.add(
                CustomerValue(
                    run_id=run.id,
                    customer_id=customer,
                    as_of_date=as_of,
                    orders_count=1,
                    frequency=0,
                    recency_days=0,
                    tenure_days=1,
                    days_since_last_order=1,
                    revenue=1.0,
                    margin=1.0,
                    monetary_value=1.0,
                    r_score=1,
                    f_score=1,
                    m_score=1,
                    segment="Hibernating" if swap else segment,
                    tier="Bronze" if swap else tier,
                    contacts_count=0,
                    cost_to_serve=0.0,
                    historic_profit=0.0,
                )
            )
    db.flush()


def _answer(
    db: Session,
    survey: Survey,
    customer: int | None,
    score: int,
    day: str,
    *,
    channel: str = "link",
    case_id: int | None = None,
    interaction_id: int | None = None,
    comment: str | None = None,
    language: str | None = None,
    follow_up: int | None = None,
    invited: int,
) -> int:
    invitation = SurveyInvitation(
        survey_id=survey.id,
        customer_id=invited,
        token_hash=f"voice-{next(_tokens):058d}",
        channel=channel,
        case_id=case_id,
        interaction_id=interaction_id,
        expires_at=_at("2027-01-01"),
    )
    db.add(invitation)
    db.flush()
    response = SurveyResponse(
        invitation_id=invitation.id,
        survey_id=survey.id,
        customer_id=customer,
        language=language,
        score=float(score),
        comment=comment,
        started_at=_at(day),
        updated_at=_at(day),
        finished_at=_at(day),
        follow_up_case_id=follow_up,
    )
    db.add(response)
    db.flush()
    return response.id


def fill(db: Session, *, department_a: int, department_b: int) -> VoiceStore:
    """Build the store described above and commit it."""
    store = VoiceStore(department_a, department_b)
    for name in ("c1", "c2", "c3", "erased"):
        data = CustomerCreate(name=f"Klient {name}", preferred_language="pl")
        store.customers[name] = customers.create(db, data=data, actor=None).id
    c = store.customers
    _value_run(db, {c["c1"]: ("Champions", "Gold"), c["c2"]: ("Loyal", "Silver")})
    surveys = {
        "nps": Survey(name="Dostawa", kind="nps", languages=["pl"], department_id=None),
        "csat": Survey(name="Czat", kind="csat", languages=["pl"], department_id=department_b),
        "ces": Survey(name="Zwroty", kind="ces", languages=["pl"], department_id=department_a),
    }
    db.add_all(surveys.values())
    db.flush()
    store.surveys = {kind: s.id for kind, s in surveys.items()}
    case1 = _case(db, c["c1"], department_a, "phone")
    case2 = _case(db, c["c2"], department_b, "chat")
    case3 = _case(db, c["c2"], department_a, "chat")
    solved = _case(db, c["c2"], department_b, "other", kind="task", status="solved")
    still_open = _case(db, c["c1"], department_a, "other", kind="task", status="open")
    contact = Interaction(
        customer_id=c["c3"],
        channel="email",
        direction="inbound",
        department_id=department_b,
        started_at=_at("2026-11-01"),
    )
    db.add(contact)
    db.flush()
    nps, csat, ces = surveys["nps"], surveys["csat"], surveys["ces"]
    # The erased customer's answers still name an invitation of theirs (erasure keeps it).
    e = c["erased"]
    rows = [
        (
            1,
            nps,
            c["c1"],
            10,
            "2026-10-05",
            {"case_id": case1, "comment": "Szybko", "language": "pl"},
        ),
        (2, nps, c["c1"], 9, "2026-10-06", {"channel": "email"}),
        (
            3,
            nps,
            c["c2"],
            3,
            "2026-10-07",
            {
                "case_id": case2,
                "comment": "Kurier w dziale B",
                "language": "pl",
                "follow_up": solved,
            },
        ),
        (4, nps, c["c2"], 7, "2026-10-08", {}),
        (5, nps, c["c3"], 10, "2026-11-03", {"interaction_id": contact.id}),
        (6, nps, None, 0, "2026-11-04", {"follow_up": still_open}),
        (7, csat, c["c1"], 5, "2026-11-10", {"comment": "Bardzo dobrze", "language": "pl"}),
        (8, csat, c["c2"], 4, "2026-11-11", {"case_id": case3}),
        (9, csat, None, 2, "2026-11-12", {"channel": "email"}),
        (10, ces, c["c1"], 2, "2026-10-10", {}),
        (11, ces, c["c2"], 4, "2026-10-11", {}),
        (12, ces, c["c3"], 6, "2026-10-12", {"comment": "Не просто", "language": "ru"}),
    ]
    for number, survey, customer, score, day, extra in rows:
        invited = customer if customer is not None else e
        store.responses[number] = _answer(
            db,
            survey,
            customer,
            score,
            day,
            invited=invited,
            **extra,  # type: ignore[arg-type]
        )
    items = {
        "copy": FeedbackItem(
            customer_id=c["c1"],
            source="survey",
            score=Decimal(10),
            scale="nps",
            text="Szybko",
            language="pl",
            received_at=_at("2026-10-05"),
            case_id=case1,
            survey_response_id=store.responses[1],
        ),
        "review": FeedbackItem(
            customer_id=c["c1"],
            source="review",
            score=Decimal(2),
            scale="stars",
            text="Terrible packaging",
            language="en",
            received_at=_at("2026-11-20"),
        ),
        "email": FeedbackItem(
            customer_id=c["c2"],
            source="email",
            score=None,
            scale=None,
            text="Confidential complaint for B",
            language="en",
            received_at=_at("2026-11-21"),
            case_id=case2,
        ),
        "chat": FeedbackItem(
            customer_id=c["c3"],
            source="chat",
            score=Decimal("4.5"),
            scale="stars",
            text="Rychlá pomoc",
            language="cs",
            received_at=_at("2026-11-22"),
        ),
    }
    db.add_all(items.values())
    db.flush()
    store.items = {name: item.id for name, item in items.items()}
    db.commit()
    return store
