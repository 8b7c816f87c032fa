"""The two stores `survey_load.py` serves: the respondents' store (a survey and one link
per future answer, made through `centricity.surveys.service` as an agent's invitations
are) and the Voice store (a million feedback items, loaded set-based by `bulk`)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from bench_kit import DATA_DIR
from bench_kit.staff import add_user
from bench_kit.stores import drop_store, new_store, session
from bench_kit.timing import stage
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.surveys import service as surveys
from centricity.surveys.schemas import InvitationCreate, SurveyCreate
from survey_bench import MANAGER_EMAIL, analysis, bulk, read_settings_once

RESPONDENTS = 2_000  # customers behind the links (the fatigue rule is off while inviting)
VOICE_CUSTOMERS = 100_000
# The Voice store's surveys and their share of the finished answers; a third of the
# invitations are answered.
VOICE_SURVEYS = (
    ("After delivery", "nps", 0.5),
    ("Support chat", "csat", 0.3),
    ("Returns", "ces", 0.2),
)
RESPONSE_RATE = 3


@dataclass(frozen=True)
class Link:
    """One survey link and the answer its respondent will send."""

    token: str
    score: int
    comment: str
    language: str
    number: int

    @property
    def address(self) -> str:
        """The respondent's own address, for runs through a trusted proxy
        (`X-Forwarded-For`): one person, one address, as the public throttle expects."""
        return f"10.{self.number >> 16 & 255}.{self.number >> 8 & 255}.{self.number & 255}"

    @property
    def path(self) -> str:
        """Where the public page posts its form (`?lang=` as the page's own action)."""
        return f"/s/{self.token}?lang={self.language}"

    def body(self, score: int | None = None) -> str:
        """The form the page sends: its hidden `page`, the score and the comment."""
        chosen = self.score if score is None else score
        return urlencode(
            {"page": "main", "score": chosen, "comment": self.comment}, quote_via=quote
        )


def manager(db: Session) -> int:
    """A manager of Customer Care (reads the Voice page, owns the follow-ups); their id."""
    user = add_user(
        db,
        email=MANAGER_EMAIL,
        name="Voice Manager",
        password="bench-pass-123",
        role=Role.MANAGER,
        department="Customer Care",
    )
    return user.id


def respondents_store(engine: str, links: int) -> tuple[str, list[Link]]:
    """A fresh store with an NPS survey in the six languages and `links` invitations
    spread over `RESPONDENTS` customers; its URL and the links in invitation order."""
    url = new_store(engine, DATA_DIR, "survey_load")
    read_settings_once()
    began = time.perf_counter()
    made: list[Link] = []
    with session(url) as db:
        actor = db.get(User, manager(db))
        assert actor is not None
        bulk.add_customers(db, RESPONDENTS, "resp")
        ids = bulk.customer_ids(db, "resp")
        languages = list(bulk.LANGUAGES)
        data = SurveyCreate(name="After delivery", kind="nps", languages=languages)
        survey = surveys.create(db, data=data, actor=actor)
        for k in range(links):
            outcome = surveys.invite(
                db, survey=survey, data=InvitationCreate(customer_id=ids[k % len(ids)]), actor=None
            )
            assert isinstance(outcome, surveys.Invited), outcome
            language, comment = bulk.COMMENTS[(k * 5) % len(bulk.COMMENTS)]
            token = urlsplit(outcome.url).path.rsplit("/", 1)[1]
            made.append(Link(token, respondent_score(k), comment, language, k))
    print(
        f"  {links} links made through the surveys service in {time.perf_counter() - began:.1f} s"
    )
    return url, made


def respondent_score(k: int) -> int:
    """The NPS score respondent `k` gives: the Voice store's spread (20 % detractors,
    who each open a follow-up task)."""
    band = (k * 37) % 100
    return 9 + k % 2 if band < 55 else 7 + k % 2 if band < 80 else (k * 13) % 7


def voice_store(
    engine: str, items: int, responses: int, themes: int = 0
) -> tuple[str, dict[str, float]]:
    """A fresh store with `VOICE_CUSTOMERS` customers, three surveys with `responses`
    finished answers (and three times as many invitations), a follow-up task for every
    unhappy one, and `items` feedback items in all, analysed into `themes` themes when
    not 0 (`analysis`); its URL and each stage's seconds."""
    url = new_store(engine, DATA_DIR, "survey_voice")
    try:
        return url, _load_voice(url, items, responses, themes)
    except BaseException:
        drop_store(url)
        raise


def _load_voice(url: str, items: int, responses: int, themes: int) -> dict[str, float]:
    stages: dict[str, float] = {}
    with session(url) as db:
        actor = db.get(User, manager(db))
        assert actor is not None and actor.department_id is not None
        with stage(stages, "customers"):
            bulk.add_customers(db, VOICE_CUSTOMERS, "voice")
        first = bulk.customer_ids(db, "voice")[0]
        for name, kind, share in VOICE_SURVEYS:
            data = SurveyCreate(name=name, kind=kind, languages=list(bulk.LANGUAGES))
            survey = surveys.create(db, data=data, actor=actor)
            answered = int(responses * share)
            with stage(stages, f"survey {kind}: invitations and answers"):
                bulk.add_responses(
                    db,
                    survey_id=survey.id,
                    first_customer=first,
                    customers=VOICE_CUSTOMERS,
                    invited=answered * RESPONSE_RATE,
                    answered=answered,
                )
        with stage(stages, "follow-up tasks"):
            bulk.add_follow_ups(db, department_id=actor.department_id)
        with stage(stages, "feedback items"):
            bulk.add_feedback(db, total=items, first_customer=first, customers=VOICE_CUSTOMERS)
        if themes:
            with stage(stages, "analysis: themes, sentiment"):
                analysis.add_analysis(db, themes=themes)
    if themes and url.startswith("postgresql"):
        # The analysis rewrote every item; autovacuum cleans up after a real run's updates
        # within a minute (over 20 % of the rows changed), so the pages read a vacuumed
        # table, not one with a million dead row versions.
        with stage(stages, "vacuum"):
            engine = create_engine(url, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text("VACUUM (ANALYZE) feedback_items"))
            engine.dispose()
    with session(url) as db, stage(stages, "analyze"):
        db.execute(text("ANALYZE"))
    return stages
