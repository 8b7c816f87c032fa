"""Set-based loading of the Voice store: customers, surveys with invitations and finished
responses, follow-up tasks and feedback items, each table filled by one `INSERT … SELECT`
over a row-number source (SQLite: a recursive CTE; PostgreSQL: `generate_series`), so a
million rows never pass through Python.

Values are spread deterministically from the row number (`i * prime % m`), which is as
good as seeded randomness here and identical on both engines: both stores hold the same
rows. Comments are short real sentences in the six languages, so the pages show text of
the length and alphabets customers write.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

# Written in the customers' languages; (language, text) chosen by row number.
COMMENTS = (
    ("en", "The courier called before coming, thank you."),
    ("cs", "Dlouho jsem čekal na odpověď, ale nakonec to vyřešili."),
    ("sv", "Snabb leverans och trevlig personal."),
    ("lt", "Užsakymas atvyko vėluodamas, bet viskas tvarkoje."),
    ("pl", "Nikt nie oddzwonił, musiałem pisać trzy razy."),
    ("ru", "Очень доволен обслуживанием, всё быстро."),
)
LANGUAGES = tuple(code for code, _ in COMMENTS)
AS_OF = "2026-12-01 00:00:00"  # the newest feedback; items go back a year from here
YEAR_SECONDS = 365 * 86400
# Feedback from other tools besides survey answers (their share of the rest, by row number).
OTHER_SOURCES = ("review", "import", "api", "email", "chat", "social", "contact", "trustpilot")


def is_postgres(db: Session) -> bool:
    """Whether the session's store is PostgreSQL (else SQLite)."""
    return db.get_bind().dialect.name == "postgresql"


def numbers(db: Session, count: int) -> str:
    """A `WITH` clause naming `n(i)`, the numbers 1..count."""
    if is_postgres(db):
        # bigint: the spreading products (i * 7919) pass 2^31 at a million rows.
        return f"WITH n(i) AS (SELECT generate_series(1::bigint, {int(count)}))"
    return f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {int(count)})"


def seconds_before(db: Session, seconds: str) -> str:
    """The time `seconds` (an SQL expression) before `AS_OF`, as each engine stores it."""
    if is_postgres(db):
        return f"(TIMESTAMPTZ '{AS_OF}+00' - ({seconds}) * INTERVAL '1 second')"
    return f"datetime('{AS_OF}', (-({seconds})) || ' seconds')"


def json_literal(db: Session, value: str) -> str:
    """A JSON constant for a JSON (SQLite) or JSONB (PostgreSQL) column."""
    return f"CAST('{value}' AS JSONB)" if is_postgres(db) else f"'{value}'"


def by_row(expr: str, values: tuple[str, ...]) -> str:
    """`CASE expr % len(values)` picking one of `values` (SQL literals)."""
    whens = " ".join(f"WHEN {k} THEN {v}" for k, v in enumerate(values))
    return f"CASE ({expr}) % {len(values)} {whens} END"


def quoted(values: tuple[str, ...]) -> tuple[str, ...]:
    """Python strings as SQL string literals."""
    return tuple("'" + v.replace("'", "''") + "'" for v in values)


def add_customers(db: Session, count: int, prefix: str) -> None:
    """`count` people with an e-mail, a preferred language among the six and external id
    `PREFIX-i` (the search key is the folded name, as `customers.service` stores it)."""
    now = seconds_before(db, "0")
    language = by_row("i * 7", quoted(LANGUAGES))
    db.execute(
        text(
            "INSERT INTO customers (external_id, kind, name, email, preferred_language, country,"
            " attributes, search_key, created_at, updated_at) "
            f"{numbers(db, count)} SELECT '{prefix}-' || i, 'person', 'Respondent ' || i,"
            f" 'respondent' || i || '@bench.example', {language}, 'CZ',"
            f" {json_literal(db, '{}')}, 'respondent ' || i, {now}, {now} FROM n"
        )
    )


def customer_ids(db: Session, prefix: str) -> list[int]:
    """Ids of the customers `add_customers` made with `prefix`, in id order."""
    query = text("SELECT id FROM customers WHERE external_id LIKE :p ORDER BY id")
    return [int(i) for i in db.scalars(query, {"p": f"{prefix}-%"})]


SCORES = {
    # About 55 % promoters (9-10), 25 % passives (7-8), 20 % detractors (0-6).
    "nps": "CASE WHEN (i * 37) % 100 < 55 THEN 9 + i % 2 WHEN (i * 37) % 100 < 80 THEN 7 + i % 2"
    " ELSE (i * 13) % 7 END",
    "csat": "CASE WHEN (i * 37) % 100 < 70 THEN 4 + i % 2 ELSE 1 + i % 3 END",
    "ces": "CASE WHEN (i * 37) % 100 < 75 THEN 1 + i % 3 ELSE 4 + i % 4 END",
}
UNHAPPY = (
    "(s.kind = 'nps' AND r.score <= 6) OR (s.kind = 'csat' AND r.score <= 2)"
    " OR (s.kind = 'ces' AND r.score >= 5)"
)


def add_responses(
    db: Session, *, survey_id: int, first_customer: int, customers: int, invited: int, answered: int
) -> None:
    """`invited` invitations to one survey spread over the customers and a year before
    `AS_OF`; the first `answered` finished an hour after their invitation with a score on
    the survey's scale and a comment (tokens are placeholders: nobody opens these links)."""
    kind = db.scalar(text("SELECT kind FROM surveys WHERE id = :s"), {"s": survey_id})
    step = YEAR_SECONDS // invited
    db.execute(
        text(
            "INSERT INTO survey_invitations (survey_id, customer_id, token_hash, channel,"
            f" created_at, expires_at) {numbers(db, invited)} SELECT {survey_id},"
            f" {first_customer} + (i * 7919) % {customers}, 'bench-{survey_id}-' || i, 'email',"
            f" {seconds_before(db, f'{YEAR_SECONDS} - i * {step}')},"
            f" {seconds_before(db, f'{YEAR_SECONDS - 30 * 86400} - i * {step}')} FROM n"
        )
    )
    finished = seconds_before(db, f"{YEAR_SECONDS - 3600} - i * {step}")
    comment = by_row("i", quoted(tuple(c for _, c in COMMENTS)))
    db.execute(
        text(
            "INSERT INTO survey_responses (invitation_id, survey_id, customer_id, language,"
            f" score, comment, started_at, updated_at, finished_at) SELECT id, survey_id,"
            f" customer_id, {by_row('i', quoted(LANGUAGES))}, {SCORES[kind]}, {comment},"
            f" {finished}, {finished}, {finished} FROM (SELECT id, survey_id, customer_id,"
            " row_number() OVER (ORDER BY id) AS i FROM survey_invitations"
            f" WHERE survey_id = {survey_id}) n WHERE i <= {answered}"
        )
    )


def add_follow_ups(db: Session, *, department_id: int) -> None:
    """A follow-up task for every unhappy finished answer, as `surveys.follow_up` opens
    them; three in five solved a day later (the closed-loop rate reads their status)."""
    solved = "r.id % 5 < 3"
    tags = json_literal(db, '["follow-up", "survey"]')
    day_later = (
        "r.finished_at + INTERVAL '1 day'"
        if is_postgres(db)
        else ("datetime(r.finished_at, '+1 day')")
    )
    db.execute(
        text(
            "INSERT INTO cases (external_id, kind, customer_id, subject, description, channel,"
            " priority, status, department_id, tags, opened_at, solved_at, reopened_count,"
            " created_at, updated_at) SELECT 'follow-up-' || r.id, 'task', r.customer_id,"
            " 'Follow up: ' || upper(s.kind) || ' ' || CAST(CAST(r.score AS INTEGER) AS TEXT),"
            f" r.comment, 'other', 'high', CASE WHEN {solved} THEN 'solved' ELSE 'open' END,"
            f" {department_id}, {tags}, r.finished_at,"
            f" CASE WHEN {solved} THEN {day_later} END, 0, r.finished_at, r.finished_at"
            f" FROM survey_responses r JOIN surveys s ON s.id = r.survey_id WHERE {UNHAPPY}"
        )
    )
    db.execute(
        text(
            "UPDATE survey_responses SET follow_up_case_id = (SELECT c.id FROM cases c"
            " WHERE c.external_id = 'follow-up-' || survey_responses.id)"
            " WHERE id IN (SELECT r.id FROM survey_responses r JOIN surveys s"
            f" ON s.id = r.survey_id WHERE {UNHAPPY})"
        )
    )


def add_feedback(db: Session, *, total: int, first_customer: int, customers: int) -> int:
    """Every finished answer as a survey feedback item (as `surveys.to_feedback` records
    it), then items from other sources up to `total`: a third review stars, a third CSAT
    scores from another tool, a third words only. Returns the number of survey items."""
    db.execute(
        text(
            "INSERT INTO feedback_items (customer_id, source, score, scale, text, language,"
            " received_at, survey_response_id, case_id, created_at) SELECT r.customer_id,"
            " 'survey', r.score, s.kind, r.comment, r.language, r.finished_at, r.id, NULL,"
            " r.finished_at FROM survey_responses r JOIN surveys s ON s.id = r.survey_id"
            " WHERE r.finished_at IS NOT NULL"
        )
    )
    surveyed = int(db.scalar(text("SELECT count(*) FROM feedback_items")) or 0)
    received = seconds_before(db, f"(i * 31) % {YEAR_SECONDS}")
    db.execute(
        text(
            "INSERT INTO feedback_items (customer_id, source, score, scale, text, language,"
            " received_at, external_id, created_at)"
            f" {numbers(db, total - surveyed)} SELECT {first_customer} + (i * 7919) % {customers},"
            f" {by_row('i', quoted(OTHER_SOURCES))},"
            " CASE i % 3 WHEN 0 THEN 1 + (i % 9) * 0.5 WHEN 1 THEN 1 + i % 5 END,"
            " CASE i % 3 WHEN 0 THEN 'stars' WHEN 1 THEN 'csat' END,"
            f" {by_row('i * 5', quoted(tuple(c for _, c in COMMENTS)))},"
            f" {by_row('i * 5', quoted(LANGUAGES))}, {received}, 'bench-' || i, {received}"
            " FROM n"
        )
    )
    return surveyed
