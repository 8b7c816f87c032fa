"""SQLite writers of one process take turns in a queue, not by SQLite's sleeping retries."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from centricity.db import begin_writing, make_engine
from centricity.sqlite_writer_queue import queue_of


@pytest.fixture()
def store(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'queue.sqlite'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE answers (id INTEGER PRIMARY KEY, who TEXT)"))
    return engine


def _raw(session: Session) -> object:
    return session.connection().connection.dbapi_connection


def _wait_until(condition: object, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.005)


def test_a_writer_holds_the_turn_until_its_commit_has_finished(store: Engine) -> None:
    queue = queue_of(store)
    assert queue is not None
    with Session(store) as first:
        begin_writing(first)
        raw = _raw(first)
        assert queue.holds(raw)
        first.execute(text("INSERT INTO answers (who) VALUES ('first')"))
        first.commit()
        assert not queue.holds(raw)


def test_a_second_writer_waits_in_the_queue_and_goes_on_after_the_first(store: Engine) -> None:
    queue = queue_of(store)
    assert queue is not None
    order: list[str] = []
    started = threading.Event()

    def second() -> None:
        with Session(store) as other:
            started.set()
            begin_writing(other)  # waits here for the first writer's turn to end
            order.append("second began")
            other.execute(text("INSERT INTO answers (who) VALUES ('second')"))
            other.commit()

    with Session(store) as first:
        begin_writing(first)
        first.execute(text("INSERT INTO answers (who) VALUES ('first')"))
        worker = threading.Thread(target=second)
        worker.start()
        started.wait(5)
        time.sleep(0.2)  # long enough for the second to have begun, had nothing held it
        assert order == []
        order.append("first committed")
        first.commit()
    worker.join(10)
    assert order == ["first committed", "second began"]
    with store.connect() as conn:
        assert conn.execute(text("SELECT who FROM answers ORDER BY id")).scalars().all() == [
            "first",
            "second",
        ]


@pytest.mark.parametrize("ending", ["rollback", "close", "error"])
def test_the_turn_is_given_back_however_the_transaction_ends(store: Engine, ending: str) -> None:
    queue = queue_of(store)
    assert queue is not None
    session = Session(store)
    begin_writing(session)
    raw = _raw(session)
    assert queue.holds(raw)
    if ending == "rollback":
        session.rollback()
    elif ending == "close":
        session.close()  # the pool resets the connection it gets back
    else:
        with pytest.raises(Exception, match="no such table"):
            session.execute(text("INSERT INTO missing VALUES (1)"))
        session.rollback()
    assert not queue.holds(raw)
    session.close()
    with Session(store) as next_writer:  # the next writer gets in at once
        begin_writing(next_writer)
        assert queue.holds(_raw(next_writer))
        next_writer.commit()


def test_readers_do_not_queue(store: Engine) -> None:
    queue = queue_of(store)
    assert queue is not None
    with Session(store) as writer, Session(store) as reader:
        begin_writing(writer)
        assert reader.execute(text("SELECT count(*) FROM answers")).scalar() == 0
        assert not queue.holds(_raw(reader))
        writer.commit()


def test_a_writer_that_waits_longer_than_the_busy_timeout_meets_sqlites_own_lock(
    store: Engine,
) -> None:
    queue = queue_of(store)
    assert queue is not None
    queue.timeout_seconds = 0.1
    with Session(store) as first, Session(store) as second:
        begin_writing(first)
        second.execute(text("PRAGMA busy_timeout=100"))
        second.commit()
        with pytest.raises(Exception, match="locked"):
            begin_writing(second)
        first.commit()
