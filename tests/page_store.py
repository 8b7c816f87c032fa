"""A small seeded workspace that fills every page family: demo customers with orders and
contacts, a value analysis, a duplicate pair, and one admin per language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts import service as accounts
from centricity.accounts.models import Role, User
from centricity.accounts.schemas import UserCreate
from centricity.calendars import service as calendars
from centricity.cases import breach, policies
from centricity.cases import service as cases
from centricity.cases.models import CaseMessage
from centricity.cases.schemas import CaseCreate, CaseUpdate, ReplyCreate, SlaPolicyCreate
from centricity.config import Settings
from centricity.customers import service as customer_service
from centricity.customers.models import Customer
from centricity.customers.schemas import CustomerCreate
from centricity.demo import generator
from centricity.events import rules as event_rules
from centricity.events import service as events
from centricity.events.schemas import EventCreate, NoticeRuleCreate
from centricity.feedback import marking as feedback_marking
from centricity.feedback import service as feedback
from centricity.feedback.analysis.models import Theme
from centricity.feedback.models import FeedbackItem
from centricity.ideas import merges as idea_merges
from centricity.ideas import requesters as idea_requesters
from centricity.ideas import service as ideas
from centricity.ideas.schemas import IdeaCreate, IdeaUpdate, RequesterCreate
from centricity.imports.review import duplicates
from centricity.kit.i18n import LANGUAGES
from centricity.kit.time import utcnow
from centricity.mail import inbound
from centricity.mail.mailboxes import Mailbox
from centricity.notifications import service as notifications
from centricity.surveys import campaign_runs
from centricity.surveys import campaigns as survey_campaigns
from centricity.surveys import questions as survey_questions
from centricity.surveys import service as surveys
from centricity.surveys.campaign_schemas import CampaignCreate
from centricity.surveys.schemas import QuestionIn, SurveyCreate
from centricity.value import service as value_service

PASSWORD = "x7-Quartz-Meadow-91"
# A customer file with one good and one bad row: the import page shows its preview.
IMPORT_CSV = "name;email;country\nJana Nováková;jana@example.cz;CZ\nBroken Row;not-an-email;CZ\n"


# Each language's admin, named as people are in that country (names are never translated).
STAFF_NAMES = {
    "en": "Ruth Baker",
    "cs": "Jana Horáková",
    "sv": "Oskar Berg",
    "lt": "Eglė Kazlauskaitė",
    "pl": "Piotr Wiśniewski",
    "ru": "Ольга Смирнова",
}


@dataclass
class Workspace:
    """What the pages need to address: a Czech customer and each language's admin."""

    customer_id: int
    sessions: dict[str, str]
    case_id: int
    event_id: int = 0
    idea_id: int = 0
    survey_id: int = 0
    theme_id: int = 0


def staff_email(language: str) -> str:
    """The e-mail of the admin whose pages are in `language`."""
    return f"{language}@pages.example"


def fill_workspace(session: Session, settings: Settings) -> Workspace:
    """Build the workspace (about 2 s) and sign in one admin per language."""
    # Session digests are keyed by the secret, which the app sets for the whole process.
    accounts.use_secret(settings.secret_key)
    options = generator.DemoOptions(seed=5, customers=120, years=2)
    generator.build(session, options)
    session.commit()
    value_service.analyze(session, as_of=options.as_of, settings=settings)
    sessions: dict[str, str] = {}
    admin = None
    for language in LANGUAGES:
        data = UserCreate(
            email=staff_email(language),
            name=STAFF_NAMES[language],
            password=PASSWORD,
            role=Role.ADMIN,
            department="Customer Care",
            language=language,
        )
        user = accounts.create(session, data=data, actor=None)
        sessions[language] = accounts.start_session(session, user=user, max_age_seconds=3600).token
        admin = admin or user
    twin = session.scalars(select(Customer).where(Customer.email.is_not(None)).limit(1)).one()
    copy = CustomerCreate(name=twin.name, email=twin.email, country=twin.country)
    customer_service.create(session, data=copy, actor=admin)
    assert duplicates.scan(session) >= 1
    czech = session.scalar(select(Customer.id).where(Customer.preferred_language == "cs").limit(1))
    assert czech is not None
    assert admin is not None
    case_id = _service_desk(session, admin, czech)
    event_id = _event(session, admin, czech)
    _feedback(session, admin, czech, case_id)
    idea_id = _idea(session, admin, czech)
    survey_id = _survey(session, admin, czech)
    theme_id = _themes(session, admin)
    # Mail that could not be read: the mail settings page lists it.
    broken = b"From: Jana <jana@example.cz>\r\nContent-Type: multipart/mixed\r\n" + b"x" * 64
    inbound.quarantine(session, broken, Mailbox("podpora", None, ""), "no headers", utcnow())
    session.commit()
    return Workspace(
        customer_id=czech,
        sessions=sessions,
        case_id=case_id,
        event_id=event_id,
        idea_id=idea_id,
        survey_id=survey_id,
        theme_id=theme_id,
    )


def _survey(session: Session, admin: User, customer_id: int) -> int:
    """A survey with a custom question, a case-solved campaign and an audience list (one
    entry unknown): the survey page shows the campaigns with their figures, the questions
    editor the question."""
    survey = surveys.create(
        session, data=SurveyCreate(name="NPS", kind="nps", languages=["cs", "en"]), actor=admin
    )
    question = QuestionIn.model_validate(  # one custom choice question: the editor lists it
        {
            "kind": "single",
            "texts": {"cs": "Co rozhodlo?", "en": "What decided it?"},
            "choices": [
                {"value": "cena", "texts": {"cs": "Cena", "en": "Price"}},
                {"value": "rychlost", "texts": {"cs": "Rychlost", "en": "Speed"}},
            ],
        }
    )
    survey_questions.add(session, survey=survey, data=question, actor=admin)
    solved = CampaignCreate(name="Po vyřešení", trigger="case_solved", delay_hours=2)
    survey_campaigns.create(session, survey=survey, data=solved, actor=admin)
    listed = CampaignCreate(
        name="Seznam", trigger="audience", customers=f"{customer_id}\nnikdo@example.cz"
    )
    campaign, _unknown = survey_campaigns.create(session, survey=survey, data=listed, actor=admin)
    campaign_runs.send_batch(session, campaign)
    return survey.id


def _service_desk(session: Session, admin: User, customer_id: int) -> int:
    """A policy, a Czech customer's case with a conversation and a changed priority (the
    history gives the system's reason), and a missed-target notice for every admin."""
    calendar = calendars.round_the_clock(session)
    for position, conditions in ((1, {"priority": "urgent"}), (2, {})):
        policies.create(
            session,
            data=SlaPolicyCreate(
                name=f"Policy {position}",
                position=position,
                conditions=conditions,  # type: ignore[arg-type]
                calendar_id=calendar.id,
                first_response_minutes=60 * position,
                next_response_minutes=120,
                resolution_minutes=480 * position,
                waiting_minutes=5,
            ),
            actor=None,
        )
    opened = utcnow() - timedelta(hours=3)
    case = cases.create(
        session,
        data=CaseCreate(
            customer_id=customer_id,
            subject="Reklamace: rozbitá lampa",
            description="Lampa dorazila rozbitá.",
            channel="phone",
            department_id=admin.department_id,
            tags=["reklamace"],
            opened_at=opened,
        ),
        actor=admin,
        now=opened,
    )
    cases.reply(
        session,
        case=case,
        data=ReplyCreate(body="Posíláme novou.", public=True),
        actor=admin,
        now=opened + timedelta(minutes=30),
    )
    cases.reply(
        session,
        case=case,
        data=ReplyCreate(body="Zkontrolovat sklad.", public=False),
        actor=admin,
        now=opened + timedelta(minutes=31),
    )
    cases.update(session, case=case, data=CaseUpdate(priority="urgent"), actor=None, reason=None)
    breach.check(session)
    for user in session.scalars(select(User).where(User.role == Role.ADMIN.value)):
        notifications.notify(
            session,
            user=user,
            kind="sla.breach",
            params={"case_id": case.id, "target": {"label": ["target", "resolution"]},
                    "priority": {"label": ["priority", "urgent"]},
                    "due_at": {"at": opened.isoformat()}},
            link=f"/cases/{case.id}",
            dedupe_key=f"pages:{user.id}",
        )  # fmt: skip
    return case.id


def _event(session: Session, admin: User, customer_id: int) -> int:
    """A notice rule (a call an hour before a delivery) and a delivery for the customer."""
    department = admin.department_id
    rule = NoticeRuleCreate(
        event_kind="delivery", minutes_before=60, action="task", department_id=department
    )
    event_rules.create(session, data=rule, actor=admin)
    event = events.create(
        session,
        data=EventCreate(
            customer_id=customer_id,
            kind="delivery",
            starts_at=utcnow() + timedelta(days=2),
            place="Náměstí Míru 12, Praha",
            department_id=department,
            note="Zazvonit dvakrát.",
        ),
        actor=admin,
    )
    return event.id


def _feedback(session: Session, admin: User, customer_id: int, case_id: int) -> None:
    """A survey answer about the case and its public reply marked as feedback: the
    customer page and the case page show both."""
    feedback.record(
        session,
        customer_id=customer_id,
        source="survey",
        score=Decimal("4.5"),
        scale="stars",
        text="Rychlá výměna, děkuji za ochotu.",
        language=None,
        received_at=utcnow() - timedelta(hours=1),
        case_id=case_id,
    )
    reply = session.scalar(
        select(CaseMessage.id).where(CaseMessage.case_id == case_id, CaseMessage.public)
    )
    assert reply is not None
    feedback_marking.mark_case_message(session, message_id=reply, actor=admin)


def _themes(session: Session, admin: User) -> int:
    """Two themes of feedback, as the text analysis leaves them: the first holds every
    item with words (sentiment set, an owner, keyword rules), the second none: the Voice
    page lists them, the theme page offers the merge, the feedback list filters by them."""
    first = Theme(
        label="výměna, ochota", labels={"cs": "výměna, ochota"}, keywords=["výměna"], size=0
    )
    second = Theme(label="doprava, cena", labels={"cs": "doprava, cena"}, size=0)
    first.owner_user_id = admin.id
    session.add_all([first, second])
    session.flush()
    items = session.scalars(select(FeedbackItem).where(FeedbackItem.text != "")).all()
    for n, item in enumerate(items):
        item.theme_id = first.id
        item.sentiment = ("negative", "neutral", "positive")[n % 3]
        item.analysed_at = utcnow()
    first.size = len(items)
    session.flush()
    return first.id


def _idea(session: Session, admin: User, customer_id: int) -> int:
    """An idea the Czech customer asked for, planned, with a duplicate merged into it."""
    idea = ideas.create(session, data=IdeaCreate(title="Tmavý režim"), actor=admin)
    twin = ideas.create(session, data=IdeaCreate(title="Noční motiv"), actor=admin)
    asked = RequesterCreate(customer_id=customer_id, importance="dealbreaker")
    idea_requesters.add(session, idea=twin, data=asked, actor=admin)
    ideas.update(session, idea=idea, data=IdeaUpdate(status="planned"), actor=admin)
    idea_merges.merge(session, duplicate=twin, survivor=idea, actor=admin)
    return idea.id


# Forms sent with mistakes: the page that comes back shows its error messages.
# (name, address, form fields, expected status)
FORM_ERRORS = (
    ("new customer invalid", "/customers/new", {"name": " ", "email": "not-an-email"}, 422),
    ("contact invalid", "/customers/{customer}/interactions", {"note": "x"}, 422),
    (
        "preferences invalid",
        "/settings/preferences",
        {"language": "xx", "time_zone": "Mars/X"},
        422,
    ),
    (
        "staff member invalid",
        "/settings/users",
        {"name": "Eva", "email": "eva@pages.example", "password": "password"},
        422,
    ),
    ("upload without a file", "/imports", {"kind": "customers"}, 422),
    ("new case invalid", "/cases/new", {"subject": " ", "customer": "nobody"}, 422),
    ("reply invalid", "/cases/{case}/replies", {"body": " "}, 422),
    ("event invalid", "/events/new", {"customer": "nobody", "starts_at": "soon"}, 422),
    ("idea invalid", "/ideas/new", {"title": " "}, 422),
    ("question invalid", "/voice/surveys/{survey}/questions", {"kind": "single"}, 422),
    ("theme name invalid", "/voice/themes/{theme}/name", {"name": " "}, 422),
)
# Every page answers 200 except the one for a missing record.
STATUS = {"not found": 404}

# Page families by address ({customer} is the Czech customer, {job} the uploaded import).
PAGES = {
    "dashboard": "/",
    "customers": "/customers",
    "customer search": "/customers?q=zzzz-nobody",
    "customer 360": "/customers/{customer}",
    "customer form": "/customers/new",
    "customer edit": "/customers/{customer}/edit",
    "value": "/value",
    "import": "/imports",
    "import job": "{job}",
    "duplicates": "/customers/duplicates",
    "settings": "/settings",
    "audit": "/settings/audit",
    "not found": "/customers/99999999",
    "unbuilt section": "/insights",
    "voice": "/voice",
    "root causes": "/voice/root-causes",
    "voice by tier": "/voice?group_by=tier&source=review&band=unhappy",
    "cases": "/cases",
    "cases filtered": "/cases?queue=all&status=any&sla=breached",
    "case": "/cases/{case}",
    "case form": "/cases/new",
    "internal request form": "/cases/new?internal=1",
    "service": "/service",
    "service by tier": "/service?group_by=tier",
    "notifications": "/notifications",
    "service levels": "/settings/service-levels",
    "calendar form": "/settings/service-levels/calendars/new",
    "policy form": "/settings/service-levels/policies/new",
    "mail settings": "/settings/mail",
    "events": "/events",
    "past events": "/events?when=past",
    "event": "/events/{event}",
    "event form": "/events/new",
    "notice rules": "/settings/notices",
    "ideas": "/ideas",
    "ideas by customers": "/ideas?sort=customers&status=planned",
    "idea": "/ideas/{idea}",
    "idea form": "/ideas/new",
    "survey": "/voice/surveys/{survey}",
    "feedback": "/feedback",
    "feedback filtered": "/feedback?band=happy&language=cs&scale=stars&min=4",
    "add to idea": "/ideas/add?customer_id={customer}",
    "survey questions": "/voice/surveys/{survey}/questions",
    "voice theme": "/voice/themes/{theme}",
    "feedback by theme": "/feedback?theme_id={theme}&sentiment=negative",
}
