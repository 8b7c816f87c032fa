"""The `calls` import kind: call records (CDRs) from the phone system.

Read as they come: Asterisk's `Master.csv` (no header; accountcode, src, dst, dcontext,
clid, channel, dstchannel, lastapp, lastdata, start, answer, end, duration, billsec,
disposition, amaflags, uniqueid, userfield) and FreeSWITCH's `mod_cdr_csv` default
template (no header either) are recognised by their first record; any other CSV maps its
columns by name or with `--map`. One row is one call, keyed by its `uniqueid`, so a
re-import changes nothing.

How a row is read:
- direction: the file's `direction` when it has one; else numbers with at most
  `CENTRICITY_PHONE_EXTENSION_DIGITS` digits are our extensions (extension → outside:
  outbound; outside → us: inbound; extension → extension: internal);
- answered by a person: an answer time, a disposition that is not a failure, and not a
  caller who gave up in a queue (Asterisk answers the channel to play the queue's music:
  `lastapp` Queue with no `dstchannel`) nor voicemail;
- waiting seconds: answer minus start; for an unanswered call the time the caller waited
  before giving up (end minus start); duration: `billsec` of an answered call.

Before each batch is staged the calls find their owner and their customer by the caller's
number in E.164; after it, they become contacts in the contact log; once the whole file is
in, the call-backs follow the calls' end state (`import_links`).
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl
from sqlalchemy import ColumnElement, false

from centricity.accounts.models import Role, User
from centricity.config import get_settings
from centricity.imports.kinds import choices
from centricity.imports.registry import FieldSpec, KeyOption, KindSpec, register
from centricity.imports.registry import FieldType as T
from centricity.interactions.schemas import MAX_SECONDS
from centricity.kit.i18n import noop, pnoop
from centricity.kit.time import utcnow
from centricity.telephony import import_links
from centricity.telephony.models import Call, CallDirection, Outcome
from centricity.telephony.phones import default_region, to_e164

ASTERISK = (
    "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp",
    "lastdata", "start", "answer", "end", "duration", "billsec", "disposition", "amaflags",
    "uniqueid", "userfield",
)  # fmt: skip
FREESWITCH = (
    "caller_id_name", "caller_id_number", "destination_number", "context", "start_stamp",
    "answer_stamp", "end_stamp", "duration", "billsec", "hangup_cause", "uuid", "bleg_uuid",
    "accountcode", "read_codec", "write_codec",
)  # fmt: skip
_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
ASTERISK_DISPOSITIONS = {"ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION"}
BUSY = ["BUSY", "USER_BUSY"]
NO_ANSWER = ["NO ANSWER", "NO_ANSWER", "NOANSWER", "NO_USER_RESPONSE", "ALLOTTED_TIMEOUT"]
GAVE_UP = ["ORIGINATOR_CANCEL", "CANCEL", "CANCELLED", "ABANDONED", "LOSE_RACE"]
ANSWERED = ["ANSWERED", "ANSWER", "NORMAL_CLEARING", "SUCCESS", ""]


def recognise(record: list[str]) -> list[str] | None:
    """Column names of a call-record file without a header, from its first record: an
    Asterisk `Master.csv` or a FreeSWITCH CSV CDR; None when the record is a header."""
    cells = [cell.strip() for cell in record]
    if len(cells) >= 17 and _STAMP.match(cells[9]) and cells[14] in ASTERISK_DISPOSITIONS:
        return _padded(ASTERISK, len(cells))
    if len(cells) >= 11 and _STAMP.match(cells[4]) and _UUID.match(cells[10]):
        return _padded(FREESWITCH, len(cells))
    return None


def _padded(names: tuple[str, ...], width: int) -> list[str]:
    """The layout's names, cut or extended to the record's width (newer Asterisk versions
    add `peeraccount`, `linkedid`, `sequence`)."""
    return [*names[:width], *(f"column {i + 1}" for i in range(len(names), width))]


def _text(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.String)


def _e164(frame: pl.DataFrame, column: str) -> pl.Series:
    """The column's numbers in E.164 (each distinct number parsed once)."""
    region = default_region()
    values = frame[column]
    distinct = values.drop_nulls().unique().to_list()
    known = {value: to_e164(value, region) for value in distinct}
    return values.replace_strict(known, default=None, return_dtype=pl.String)


def _present(frame: pl.DataFrame, name: str, dtype: Any = pl.String) -> pl.Expr:
    return pl.col(name) if name in frame.columns else pl.lit(None, dtype=dtype)


def _with_call_facts(frame: pl.DataFrame, mapped: frozenset[str]) -> pl.DataFrame:
    """Direction, the outside party and our line in E.164, how the call ended, whether it
    was missed, waiting and talking seconds (see the module docstring)."""
    settings = get_settings()
    extension = settings.phone_extension_digits
    frame = frame.with_columns(_present(frame, "src").fill_null("").alias("src"))
    # An extension is a short all-digit number: `anonymous` or an empty caller id is an
    # outside caller who hid their number, not one of ours.
    extension_pattern = rf"^\d{{1,{extension}}}$"
    src_internal = pl.col("src").fill_null("").str.strip_chars().str.contains(extension_pattern)
    dst_internal = pl.col("dst").fill_null("").str.strip_chars().str.contains(extension_pattern)
    inferred = (
        pl.when(src_internal & dst_internal)
        .then(pl.lit(CallDirection.INTERNAL.value))
        .when(src_internal)
        .then(pl.lit(CallDirection.OUTBOUND.value))
        .otherwise(pl.lit(CallDirection.INBOUND.value))
    )
    direction = (
        pl.coalesce(_present(frame, "direction"), inferred) if "direction" in mapped else inferred
    )
    frame = frame.with_columns(direction.alias("direction"))
    outbound = pl.col("direction") == CallDirection.OUTBOUND.value
    frame = frame.with_columns(
        pl.when(outbound).then(pl.col("dst")).otherwise(pl.col("src")).alias("_party_"),
        pl.when(outbound).then(pl.col("src")).otherwise(pl.col("dst")).alias("_our_line_"),
    )
    frame = frame.with_columns(
        _e164(frame, "_party_").alias("party_e164"), _e164(frame, "_our_line_").alias("line_e164")
    )
    disposition = _present(frame, "disposition").fill_null("").str.to_uppercase().str.strip_chars()
    app = _present(frame, "lastapp").fill_null("").str.to_lowercase()
    in_queue_alone = (app == "queue") & (_present(frame, "dstchannel").fill_null("") == "")
    voicemail = app == "voicemail"
    billsec = _present(frame, "billsec", pl.Int64)
    answer = _present(frame, "answer", pl.Datetime("us"))
    picked_up = answer.is_not_null() if "answer" in mapped else billsec.fill_null(0) > 0
    answered = picked_up & disposition.is_in(ANSWERED) & ~in_queue_alone & ~voicemail
    outcome = (
        pl.when(answered)
        .then(pl.lit(Outcome.ANSWERED.value))
        .when(voicemail)
        .then(pl.lit(Outcome.VOICEMAIL.value))
        .when(disposition.is_in(BUSY))
        .then(pl.lit(Outcome.BUSY.value))
        .when(in_queue_alone | disposition.is_in(GAVE_UP))
        .then(pl.lit(Outcome.ABANDONED.value))
        .when(disposition.is_in(NO_ANSWER) | disposition.is_in(ANSWERED))
        .then(pl.lit(Outcome.NO_ANSWER.value))
        .otherwise(pl.lit(Outcome.FAILED.value))
    )
    frame = frame.with_columns(outcome.alias("outcome"), answered.alias("_answered_"))
    missed_voicemail = pl.lit(settings.phone_voicemail_missed)
    missed = (pl.col("direction") == CallDirection.INBOUND.value) & (
        (pl.col("outcome") != Outcome.ANSWERED.value)
        & ((pl.col("outcome") != Outcome.VOICEMAIL.value) | missed_voicemail)
    )
    end = _present(frame, "end", pl.Datetime("us"))
    duration = _present(frame, "duration", pl.Int64)
    waiting = (
        pl.when(pl.col("_answered_"))
        .then(pl.coalesce((answer - pl.col("start")).dt.total_seconds(), duration - billsec))
        .otherwise(pl.coalesce((end - pl.col("start")).dt.total_seconds(), duration))
        .clip(0, MAX_SECONDS)
    )
    talked = pl.coalesce(billsec, (end - answer).dt.total_seconds()).clip(0, MAX_SECONDS)
    frame = frame.with_columns(
        missed.alias("missed"),
        pl.when(pl.col("_answered_")).then(answer).otherwise(None).alias("answered_at"),
        waiting.cast(pl.Int64).alias("waiting_seconds"),
        pl.when(pl.col("_answered_"))
        .then(talked)
        .otherwise(0)
        .cast(pl.Int64)
        .alias("duration_seconds"),
    )
    return frame.drop("_party_", "_our_line_", "_answered_")


def _hidden(actor: User) -> ColumnElement[bool]:
    """Another department's calls: a manager's import never matches or changes them."""
    if actor.role_enum is Role.ADMIN:
        return false()
    return Call.department_id.is_distinct_from(actor.department_id)


DIRECTIONS = {
    "inbound": (
        "in",
        "incoming",
        "příchozí",
        "inkommande",
        "įeinantis",
        "przychodzące",
        "входящий",
    ),
    "outbound": ("out", "outgoing", "odchozí", "utgående", "išeinantis", "wychodzące", "исходящий"),
    "internal": ("local", "interní", "intern", "vidinis", "wewnętrzne", "внутренний"),
}

CALLS = register(
    KindSpec(
        name="calls",
        table="calls",
        description=noop(
            "call records from the phone system (Asterisk Master.csv, FreeSWITCH CSV), "
            "keyed by uniqueid"
        ),
        fields=(
            FieldSpec(
                "uniqueid",
                required=True,
                column="call_id",
                max_length=95,
                synonyms=("uuid", "call id", "call_id", "unique id", "id hovoru", "samtals-id"),
            ),
            FieldSpec(
                "src",  # empty when the caller withheld their number: still a call
                column="from_number",
                max_length=80,
                synonyms=("caller_id_number", "source", "caller", "from", "calling number"),
            ),
            FieldSpec(
                "dst",
                required=True,
                column="to_number",
                max_length=80,
                synonyms=("destination_number", "destination", "to", "called number"),
            ),
            FieldSpec(
                "start",
                T.DATETIME,
                required=True,
                column="started_at",
                not_future=True,
                synonyms=("start_stamp", "started", "start time", "calldate", "call date"),
            ),
            FieldSpec(
                "answer",
                T.DATETIME,
                column=None,
                synonyms=("answer_stamp", "answered", "answer time"),
            ),
            FieldSpec(
                "end", T.DATETIME, column="ended_at", synonyms=("end_stamp", "ended", "end time")
            ),
            FieldSpec("duration", T.SECONDS, column=None, maximum=MAX_SECONDS),
            FieldSpec(
                "billsec",
                T.SECONDS,
                column=None,
                maximum=MAX_SECONDS,
                synonyms=("billable seconds", "talk time", "talk seconds"),
            ),
            FieldSpec(
                "disposition",
                column="cause",
                max_length=40,
                synonyms=("hangup_cause", "hangup cause", "call status", "result"),
            ),
            FieldSpec(
                "lastapp", column=None, max_length=80, synonyms=("last app", "last application")
            ),
            FieldSpec("dstchannel", column=None, max_length=200, synonyms=("destination channel",)),
            FieldSpec(
                "direction",
                T.CHOICE,
                column=None,
                choices=choices(DIRECTIONS),
                synonyms=(
                    "call direction",
                    "směr",
                    "riktning",
                    "kryptis",
                    "kierunek",
                    "направление",
                ),
            ),
        ),
        keys=(KeyOption(("uniqueid",), "call_id"),),
        insert_defaults=lambda: {"source": "import", "state": "ended", "created_at": utcnow()},
        derived=(
            "direction",
            "party_e164",
            "line_e164",
            "outcome",
            "missed",
            "answered_at",
            "waiting_seconds",
            "duration_seconds",
            *import_links.RESOLVED,
        ),
        computed=import_links.RESOLVED,
        kept=import_links.KEPT,
        prepare=_with_call_facts,
        before_stage=import_links.complete,
        after_change=import_links.after_change,
        after_import=import_links.after_import,
        min_role=Role.MANAGER,
        hidden=_hidden,
        headerless=recognise,
    )
)

KIND_LABELS = (pnoop("import kind", "calls"),)
