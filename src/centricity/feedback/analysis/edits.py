"""What staff change on themes: a name of their own, an owner (who gets the theme's spike
alerts), keyword rules the automatic pass respects, merging two themes into one and
splitting one in two. Every edit is kept in the stored theme model too, so the next run
(incremental or full) starts from the themes as staff left them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.analytics.text.normalise import normalise
from centricity.analytics.text.themes import ThemeModel
from centricity.feedback.analysis import stored
from centricity.feedback.analysis.models import Theme
from centricity.feedback.analysis.run import on_topics, vectors_of
from centricity.feedback.models import FeedbackItem
from centricity.kit.errors import Conflict, Invalid, NotFound, PermissionDenied
from centricity.kit.i18n import lazy
from centricity.kit.time import utcnow

MAX_KEYWORDS = 50


def get(session: Session, theme_id: int) -> Theme:
    """A theme by id (retired and merged ones too: old links still resolve)."""
    theme = session.get(Theme, theme_id)
    if theme is None:
        raise NotFound(lazy("no such theme"))
    return theme


def _check_manager(actor: User) -> None:
    if actor.role_enum not in (Role.MANAGER, Role.ADMIN):
        raise PermissionDenied(lazy("only managers change themes"))


def _active(theme: Theme) -> None:
    if theme.status != "active":
        raise Conflict(lazy("this theme is no longer active"))


def keyword_rules(phrases: list[str], language: str | None) -> list[str]:
    """Keyword phrases as the matcher reads them: each word reduced to its base form in
    `language` (as items' words are), lower case, empty and repeated phrases dropped."""
    found: list[str] = []
    for phrase in phrases:
        words = normalise(phrase, language, stop_words=False)
        rule = " ".join(words).strip()
        if rule and rule not in found:
            found.append(rule)
    if len(found) > MAX_KEYWORDS:
        raise Invalid(lazy("at most %(count)s keyword rules", count=MAX_KEYWORDS), field="keywords")
    return found


def update_theme(
    session: Session,
    *,
    theme: Theme,
    actor: User,
    name: str | None = None,
    clear_name: bool = False,
    owner_user_id: int | None = None,
    clear_owner: bool = False,
    keywords: list[str] | None = None,
    keyword_language: str | None = None,
) -> Theme:
    """Rename the theme, give it an owner or keyword rules (managers)."""
    _check_manager(actor)
    _active(theme)
    if clear_name:
        theme.name = None
    elif name is not None:
        cleaned = name.strip()
        if not cleaned or len(cleaned) > 200:
            raise Invalid(lazy("give a name of 1 to 200 characters"), field="name")
        theme.name = cleaned
    if clear_owner:
        theme.owner_user_id = None
    elif owner_user_id is not None:
        owner = session.get(User, owner_user_id)
        if owner is None or not owner.is_active:
            raise Invalid(lazy("no such active user"), field="owner_user_id")
        theme.owner_user_id = owner.id
    if keywords is not None:
        theme.keywords = keyword_rules(keywords, keyword_language)
    theme.updated_at = utcnow()
    session.flush()
    return theme


@dataclass(frozen=True)
class _Space:
    """The vectors a stored theme model was fitted on: its embedder, and whether it read
    the topic vectors (a model stored before revision 0028 read the sentence vectors)."""

    embedder: str
    topic: bool


def _model(session: Session) -> tuple[ThemeModel, dict[int, int], _Space]:
    """The stored theme model, its theme id → row map and the vectors it was fitted on."""
    row = stored.latest(session, "themes")
    if row is None:
        raise Conflict(lazy("no themes yet: run the analysis first"))
    rows_of = {int(k): int(v) for k, v in row.state.get("store", {}).get("rows", {}).items()}
    return stored.load(row, ThemeModel), rows_of, _Space(row.embedder, on_topics(row))


def _save(session: Session, model: ThemeModel, rows_of: dict[int, int], space: _Space) -> None:
    state = {"rows": {str(k): v for k, v in rows_of.items()}, "topic_vectors": space.topic}
    stored.save(session, model, embedder=space.embedder, state=state)


def merge(session: Session, *, keep: Theme, absorb: Theme, actor: User) -> Theme:
    """Fold `absorb` into `keep`: its items, keyword rules and (if `keep` has none) owner
    move over; `absorb` stays as `merged`, pointing at `keep`."""
    _check_manager(actor)
    _active(keep)
    _active(absorb)
    if keep.id == absorb.id:
        raise Invalid(lazy("a theme cannot be merged into itself"), field="into")
    if stored.latest(session, "themes") is not None:
        model, rows_of, space = _model(session)
        model_of = {row: theme_id for theme_id, row in rows_of.items()}
        if keep.id in model_of and absorb.id in model_of:
            model.merge(model_of[keep.id], model_of[absorb.id])
            rows_of.pop(model_of[absorb.id])
            _save(session, model, rows_of, space)
    session.execute(
        update(FeedbackItem).where(FeedbackItem.theme_id == absorb.id).values(theme_id=keep.id)
    )
    keep.keywords = list(dict.fromkeys([*(keep.keywords or []), *(absorb.keywords or [])]))
    keep.owner_user_id = keep.owner_user_id or absorb.owner_user_id
    keep.size = (keep.size or 0) + (absorb.size or 0)
    absorb.status, absorb.merged_into_id, absorb.size = "merged", keep.id, 0
    absorb.retired_at = utcnow()
    session.flush()
    return keep


def split(session: Session, *, theme: Theme, actor: User) -> Theme:
    """Split a theme in two by its items' meaning; the part nearer the old centre keeps the
    theme (name, owner, rules), the other becomes a new theme, returned."""
    _check_manager(actor)
    _active(theme)
    model, rows_of, space = _model(session)
    model_of = {row: theme_id for theme_id, row in rows_of.items()}
    if theme.id not in model_of:
        raise Conflict(lazy("this theme has no model yet: run the analysis first"))
    ids = list(session.scalars(select(FeedbackItem.id).where(FeedbackItem.theme_id == theme.id)))
    found, vectors, languages, _texts = vectors_of(session, space.embedder, ids, topic=space.topic)
    try:
        new_model_id = model.split(model_of[theme.id], vectors, languages)
    except ValueError:
        raise Conflict(lazy("this theme has too few items to split")) from None
    labels = model.predict(vectors, languages)
    new_theme = Theme(label=f"{theme.label} (2)", labels={}, keywords=[])
    session.add(new_theme)
    session.flush()
    rows_of[new_model_id] = new_theme.id
    moved = [
        item_id
        for item_id, label in zip(found, labels.tolist(), strict=True)
        if label == new_model_id
    ]
    for start in range(0, len(moved), 5_000):
        session.execute(
            update(FeedbackItem)
            .where(FeedbackItem.id.in_(moved[start : start + 5_000]))
            .values(theme_id=new_theme.id)
        )
    new_theme.size = len(moved)
    theme.size = max((theme.size or 0) - len(moved), 0)
    _save(session, model, rows_of, space)
    session.flush()
    return new_theme
