"""Counting what the respondents' answers left in the store, to show none was lost or
doubled: finished responses, their feedback items and follow-up tasks, duplicates, and
each finished response against the answer its link sent."""

from __future__ import annotations

from collections.abc import Iterable

from bench_kit.stores import session
from sqlalchemy import text

from centricity.surveys.service import token_hash
from survey_bench.stores import Link

COUNTS = {
    "finished": "SELECT count(*) FROM survey_responses WHERE finished_at IS NOT NULL",
    "feedback_items": "SELECT count(*) FROM feedback_items WHERE source = 'survey'",
    "follow_up_tasks": "SELECT count(*) FROM cases WHERE kind = 'task'",
    # Each must stay 0: the store's constraints and the conditional finishing guarantee it.
    "responses_sharing_a_link": "SELECT count(*) FROM (SELECT invitation_id FROM"
    " survey_responses GROUP BY invitation_id HAVING count(*) > 1) d",
    "feedback_items_sharing_an_answer": "SELECT count(*) FROM (SELECT survey_response_id FROM"
    " feedback_items WHERE survey_response_id IS NOT NULL GROUP BY survey_response_id"
    " HAVING count(*) > 1) d",
    "answers_with_two_tasks": "SELECT count(*) FROM (SELECT follow_up_case_id FROM"
    " survey_responses WHERE follow_up_case_id IS NOT NULL GROUP BY follow_up_case_id"
    " HAVING count(*) > 1) d",
}
DUPLICATES = (
    "responses_sharing_a_link",
    "feedback_items_sharing_an_answer",
    "answers_with_two_tasks",
)


def tallies(url: str) -> dict[str, int]:
    """Every count of `COUNTS` in the store now."""
    with session(url) as db:
        return {name: int(db.scalar(text(query)) or 0) for name, query in COUNTS.items()}


def change(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """How each count moved."""
    return {name: after[name] - before[name] for name in before}


def stored_answers(url: str, links: Iterable[Link]) -> dict[str, tuple[float | None, str | None]]:
    """Score and comment of each finished response, by the token of its link (the store
    keeps only the tokens' keyed hashes, so the links are hashed as the server does)."""
    by_hash = {token_hash(link.token): link.token for link in links}
    query = text(
        "SELECT i.token_hash, r.score, r.comment FROM survey_responses r JOIN"
        " survey_invitations i ON i.id = r.invitation_id WHERE r.finished_at IS NOT NULL"
    )
    with session(url) as db:
        return {
            by_hash[digest]: (score, comment)
            for digest, score, comment in db.execute(query)
            if digest in by_hash
        }


def mismatches(links: Iterable[Link], stored: dict[str, tuple[float | None, str | None]]) -> int:
    """Finished responses whose score or comment is not what their link sent."""
    return sum(
        1
        for link in links
        if link.token in stored and stored[link.token] != (float(link.score), link.comment)
    )
