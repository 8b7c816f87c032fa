"""Writes handed to a SQLite store's group commit share a COMMIT, each in its own savepoint."""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from centricity.db import make_engine, session_factory
from centricity.sqlite_group_commit import GroupCommit, TransactionLost, group_commit_for

WHO: contextvars.ContextVar[str] = contextvars.ContextVar("who", default="nobody")


@pytest.fixture()
def store(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'group.sqlite'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE answers (id INTEGER PRIMARY KEY, who TEXT UNIQUE)"))
        conn.execute(text("CREATE TABLE parents (id INTEGER PRIMARY KEY)"))
        conn.execute(
            text(
                "CREATE TABLE children (id INTEGER PRIMARY KEY, parent_id INTEGER"
                " REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)"
            )
        )
    return engine


def _commits(engine: Engine) -> list[int]:
    seen: list[int] = []
    event.listen(engine, "commit", lambda _conn: seen.append(1))
    return seen


def _insert(who: str) -> Callable[[Session], str]:
    def work(session: Session) -> str:
        session.execute(text("INSERT INTO answers (who) VALUES (:who)"), {"who": who})
        return who

    return work


def _stored(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(text("SELECT who FROM answers ORDER BY who")))


def _held_open(group: GroupCommit) -> threading.Event:
    """Submit a unit that waits until the returned event is set, and wait until it runs:
    whatever is submitted meanwhile queues behind it and joins its group."""
    running, release = threading.Event(), threading.Event()

    def work(session: Session) -> None:
        running.set()
        assert release.wait(10)
        session.execute(text("INSERT INTO answers (who) VALUES ('holder')"))

    group.submit(work)
    assert running.wait(10)
    return release


def test_units_waiting_together_are_stored_by_one_commit(store: Engine) -> None:
    group = GroupCommit(session_factory(store))
    commits = _commits(store)
    release = _held_open(group)
    futures = [group.submit(_insert(f"r{i}")) for i in range(5)]
    assert not any(f.done() for f in futures)
    release.set()
    assert [f.result(10) for f in futures] == [f"r{i}" for i in range(5)]
    assert len(commits) == 1 and group.groups == 1
    assert _stored(store) == ["holder", "r0", "r1", "r2", "r3", "r4"]


def test_no_result_is_given_before_the_commit_has_stored_it(store: Engine) -> None:
    group = GroupCommit(session_factory(store))
    committed: list[bool] = []

    def check_after_commit(_conn: object) -> None:
        committed.append(True)

    event.listen(store, "commit", check_after_commit)
    future = group.submit(_insert("alone"))
    assert future.result(10) == "alone"
    assert committed == [True]
    with create_engine(store.url).connect() as other:  # another connection sees it
        assert list(other.scalars(text("SELECT who FROM answers"))) == ["alone"]


def test_a_failing_unit_is_rolled_back_alone_and_gets_its_own_error(store: Engine) -> None:
    group = GroupCommit(session_factory(store))
    release = _held_open(group)
    first = group.submit(_insert("same"))
    second = group.submit(_insert("same"))  # UNIQUE fails
    third = group.submit(_insert("other"))
    release.set()
    assert first.result(10) == "same" and third.result(10) == "other"
    with pytest.raises(IntegrityError):
        second.result(10)
    assert group.groups == 1
    assert _stored(store) == ["holder", "other", "same"]


def test_a_unit_that_raises_after_writing_leaves_none_of_its_rows(store: Engine) -> None:
    group = GroupCommit(session_factory(store))

    def half_done(session: Session) -> None:
        session.execute(text("INSERT INTO answers (who) VALUES ('half')"))
        raise ValueError("the answer could not be finished")

    release = _held_open(group)
    first = group.submit(_insert("first"))
    failing = group.submit(half_done)
    last = group.submit(_insert("last"))
    release.set()
    with pytest.raises(ValueError, match="could not be finished"):
        failing.result(10)
    assert first.result(10) == "first" and last.result(10) == "last"
    assert group.groups == 1
    assert _stored(store) == ["first", "holder", "last"]


def test_a_failed_commit_stores_nothing_of_the_group_and_fails_every_unit(store: Engine) -> None:
    group = GroupCommit(session_factory(store))

    def orphan(session: Session) -> str:  # the deferred foreign key is checked at COMMIT
        session.execute(text("INSERT INTO children (parent_id) VALUES (999)"))
        return "orphan"

    release = _held_open(group)
    good = group.submit(_insert("good"))
    bad = group.submit(orphan)
    release.set()
    for future in (good, bad):
        with pytest.raises(IntegrityError):
            future.result(10)
    assert _stored(store) == []
    assert group.submit(_insert("after")).result(10) == "after"


def test_a_transaction_the_store_rolled_back_fails_the_whole_group(store: Engine) -> None:
    """SQLite ends the whole transaction on some errors (a full disk, an I/O error), even
    inside a savepoint: the group's earlier units must not be reported as saved."""
    group = GroupCommit(session_factory(store))

    def disk_full(session: Session) -> None:
        session.connection().connection.dbapi_connection.execute("ROLLBACK")  # type: ignore[union-attr]
        raise OperationalError("INSERT", {}, Exception("database or disk is full"))

    release = _held_open(group)
    before = group.submit(_insert("before"))
    failing = group.submit(disk_full)
    release.set()
    with pytest.raises(TransactionLost):
        before.result(10)
    with pytest.raises(TransactionLost) as caught:
        failing.result(10)
    causes, cause = [], caught.value.__cause__
    while cause is not None:
        causes.append(cause)
        cause = cause.__cause__
    assert any(isinstance(c, OperationalError) for c in causes)  # the unit's own error
    assert _stored(store) == []
    assert group.submit(_insert("after")).result(10) == "after"
    assert _stored(store) == ["after"]


def test_a_group_that_cannot_begin_fails_its_units_instead_of_leaving_them_waiting(
    store: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = GroupCommit(session_factory(store))
    trying, queued = threading.Event(), threading.Event()

    attempts: list[int] = []

    def locked() -> None:  # as after the busy timeout, with more answers queued meanwhile
        attempts.append(1)
        trying.set()
        assert queued.wait(10)
        if len(attempts) > 1:
            time.sleep(3)  # another wait for the lock, which a queued unit must not need
        raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))

    monkeypatch.setattr(group.engine, "connect", locked)
    futures = [group.submit(_insert("first"))]
    assert trying.wait(10)
    futures += [group.submit(_insert(f"q{i}")) for i in range(3)]
    queued.set()
    for future in futures:  # all fail at once, none waits for another busy timeout
        with pytest.raises(OperationalError):
            future.result(2)
    assert len(attempts) == 1
    monkeypatch.undo()
    assert group.submit(_insert("later")).result(10) == "later"
    assert _stored(store) == ["later"]


def test_a_unit_sees_the_callers_context_variables(store: Engine) -> None:
    group = GroupCommit(session_factory(store))
    WHO.set("respondent")
    assert group.submit(lambda _session: WHO.get()).result(10) == "respondent"


def test_the_thread_ends_when_idle_and_starts_again_for_new_work(store: Engine) -> None:
    group = GroupCommit(session_factory(store), idle_seconds=0.05)
    assert group.submit(_insert("one")).result(10) == "one"
    deadline = time.monotonic() + 5
    while group._thread is not None:
        assert time.monotonic() < deadline, "the idle thread did not end"
        time.sleep(0.01)
    assert group.submit(_insert("two")).result(10) == "two"
    assert _stored(store) == ["one", "two"]


def test_a_group_holds_at_most_max_group_units(store: Engine) -> None:
    group = GroupCommit(session_factory(store), max_group=3)
    release = _held_open(group)
    futures = [group.submit(_insert(f"r{i}")) for i in range(5)]
    release.set()
    for f in futures:
        f.result(10)
    assert group.groups == 2  # the holder and r0, r1; then r2, r3, r4


def test_only_a_sqlite_engine_gets_a_group_commit(store: Engine) -> None:
    assert isinstance(group_commit_for(session_factory(store)), GroupCommit)
    with store.connect() as conn:
        assert group_commit_for(session_factory(conn)) is None  # type: ignore[arg-type]
    postgres = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert group_commit_for(session_factory(postgres)) is None
