"""The input: an Asterisk `Master.csv` (cdr_csv: no header, 18 columns, strings quoted,
`duration` and `billsec` bare, times in the PBX's local time, Europe/Prague) of a call
centre's 60 days, seeded.

The mix (of all rows): 70 % inbound from customers' numbers written as phone systems pass
them on (`601234567`, `+420601234567`, `00420601234567`, `420601234567`), 10 % inbound
from numbers no customer has (Czech and Slovak mobiles, `anonymous`), 20 % outbound from
3-digit extensions to customers (three in five of them calling back a customer whose call
was missed, minutes to hours later). Dispositions: 78 % ANSWERED, 12 % NO ANSWER, 5 % BUSY,
3 % callers who gave up in the queue (ANSWERED, `lastapp` Queue, no `dstchannel`: Asterisk
answers the channel to play the queue's music), 2 % FAILED. Traffic follows office hours
(weekdays 8–18 with two peaks, evenings and weekends quieter); customers call with a long
tail (a few call often). Rows are in order of start; `uniqueid` is `epoch.sequence`, as
Asterisk writes it, unique in the file.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from calls_bench import SEED, UNKNOWN_NUMBERS, phone_numbers

FIRST_DAY = date(2026, 10, 2)  # 60 days to 30 November 2026, over the end of summer time
DAYS = 60
DIDS = ("222111222", "222111333")  # the company's lines as the trunk reports them
# Disposition classes: answered, no answer, busy, gave up in the queue, failed.
DISPOSITION_SHARES = (0.78, 0.12, 0.05, 0.03, 0.02)
ANSWERED, NO_ANSWER, BUSY, ABANDONED, FAILED = range(5)
# Who: a customer calling in, an unknown number calling in, an extension calling out.
KNOWN_IN, UNKNOWN_IN, OUTBOUND = range(3)
CALL_BACK_SHARE = 0.6  # outbound calls that call back a missed customer
HOURS = np.array(  # relative calls per local hour of day, 0–23
    [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.6, 2, 6, 10, 11, 9]  # night, morning peak
    + [6, 8, 10, 9, 7, 4, 2, 1.5, 1, 0.7, 0.5, 0.3]  # lunch, afternoon peak, evening
)
SLOVAK_PREFIXES = (901, 902, 903, 904, 905, 906, 907, 908, 910, 911, 915, 917, 918, 940, 944, 948)


def _local_starts(rng: np.random.Generator, n: int) -> np.ndarray:
    """Start times as naive local epoch seconds (the wall clock in Prague), sorted."""
    days = [FIRST_DAY + timedelta(days=d) for d in range(DAYS)]
    weights = np.array([{5: 0.35, 6: 0.2}.get(day.weekday(), 1.0) for day in days])
    day = rng.choice(DAYS, n, p=weights / weights.sum())
    hour = rng.choice(24, n, p=HOURS / HOURS.sum())
    first = int(datetime(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day).timestamp())
    first -= int(datetime(1970, 1, 1).timestamp())  # naive: the clock, not the zone
    return first + day * 86_400 + hour * 3_600 + rng.integers(0, 3_600, n)


def _stamps(seconds: np.ndarray) -> list[str]:
    """Naive local epoch seconds as `YYYY-MM-DD HH:MM:SS`."""
    clock = pl.from_epoch(pl.Series(seconds.astype(np.int64)), time_unit="s")
    return list(clock.dt.strftime("%Y-%m-%d %H:%M:%S").to_list())


def _utc_epochs(local: np.ndarray) -> np.ndarray:
    """Naive Prague wall-clock seconds → true epoch seconds (for `uniqueid`)."""
    clock = pl.from_epoch(pl.Series(local.astype(np.int64)), time_unit="s")
    zoned = clock.dt.replace_time_zone("Europe/Prague", ambiguous="earliest")
    return zoned.dt.epoch("s").to_numpy()


def _forms(rng: np.random.Generator, n: int, shares: tuple[float, ...]) -> np.ndarray:
    return rng.choice(len(shares), n, p=np.asarray(shares) / sum(shares))


def _as_dialled(national: int, form: int) -> str:
    """A Czech number as the trunk passes it on: national, +420, 00420, 420 + number."""
    n = str(national)
    return (n, f"+420{n}", f"00420{n}", f"420{n}")[form]


def generate(rows: int, customers: int) -> dict[str, Any]:
    """The columns of the file, as NumPy arrays and lists, with what they should import as."""
    rng = np.random.default_rng(SEED + 1)
    numbers, unknown = phone_numbers(customers)
    disposition = rng.choice(5, rows, p=DISPOSITION_SHARES)
    # Callers who gave up in the queue are inbound (7 in 8 customers); the rest are split
    # so that the whole file has 70 / 10 / 20 %.
    abandoned = disposition == ABANDONED
    rest = np.array([0.7 - 0.03 * 7 / 8, 0.1 - 0.03 / 8, 0.2]) / 0.97
    who = np.where(
        abandoned,
        rng.choice(2, rows, p=[7 / 8, 1 / 8]),
        rng.choice(3, rows, p=rest),
    )
    start = _local_starts(rng, rows)
    # Customers call with a long tail: gamma-distributed propensities.
    weights = np.cumsum(rng.gamma(0.5, 2.0, customers))
    customer = np.searchsorted(weights, rng.random(rows) * weights[-1])
    customer = np.minimum(customer, customers - 1)
    # Three in five outbound calls call back a missed customer a few minutes to hours later.
    missed_known = np.flatnonzero((who == KNOWN_IN) & (disposition != ANSWERED))
    outbound = np.flatnonzero(who == OUTBOUND)
    backs = min(int(len(outbound) * CALL_BACK_SHARE), len(missed_known))
    chosen = rng.choice(missed_known, backs, replace=False)
    customer[outbound[:backs]] = customer[chosen]
    start[outbound[:backs]] = start[chosen] + rng.integers(120, 4 * 3_600, backs)
    order = np.argsort(start, kind="stable")
    disposition, who = disposition[order], who[order]
    start, customer = start[order], customer[order]

    inbound = who != OUTBOUND
    wait = np.where(inbound, np.clip(rng.gamma(2.0, 12.0, rows), 1, 600), rng.integers(4, 26, rows))
    talk = np.clip(rng.lognormal(np.log(150), 0.9, rows), 5, 7_200)
    ring = np.where(inbound, rng.integers(15, 61, rows), rng.integers(20, 46, rows))
    gave_up = np.clip(rng.gamma(2.0, 30.0, rows), 3, 900)
    wait, talk, gave_up = wait.astype(np.int64), talk.astype(np.int64), gave_up.astype(np.int64)
    answer = np.where(disposition == ANSWERED, start + wait, -1)
    answer = np.where(disposition == ABANDONED, start + 1, answer)
    end = np.select(
        [disposition == ANSWERED, disposition == NO_ANSWER, disposition == BUSY,
         disposition == ABANDONED],
        [start + wait + talk, start + ring, start + rng.integers(0, 4, rows), start + gave_up],
        start,
    )  # fmt: skip
    billsec = np.where(answer >= 0, end - answer, 0)
    return {
        "rows": rows,
        "disposition": disposition,
        "who": who,
        "start": start,
        "answer": answer,
        "end": end,
        "billsec": billsec,
        "customer": customer,
        "numbers": numbers,
        "unknown": unknown,
        "number_form": _forms(rng, rows, (40, 25, 20, 15)),
        "dialled_form": _forms(rng, rows, (60, 20, 20)),
        "unknown_kind": _forms(rng, rows, (80, 10, 10)),  # Czech, Slovak, withheld
        "unknown_pick": rng.integers(0, UNKNOWN_NUMBERS, rows),
        "slovak": rng.integers(0, 1_000_000, rows),
        "extension": rng.integers(201, 261, rows),
        "queue": rng.random(rows) < 0.6,  # inbound through the queue, else a ring group
        "line": rng.integers(0, len(DIDS), rows),
    }


DISPOSITION_WORDS = ("ANSWERED", "NO ANSWER", "BUSY", "ANSWERED", "FAILED")


def _q(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def lines(calls: dict[str, Any]) -> list[str]:
    """The file's records."""
    rows = calls["rows"]
    starts = _stamps(calls["start"])
    answers = _stamps(np.maximum(calls["answer"], 0))
    ends = _stamps(calls["end"])
    epochs = _utc_epochs(calls["start"]).tolist()
    c = {k: v.tolist() for k, v in calls.items() if isinstance(v, np.ndarray)}
    disposition, who, customer, numbers = c["disposition"], c["who"], c["customer"], c["numbers"]
    out = []
    for i in range(rows):
        d, w = disposition[i], who[i]
        ext = str(c["extension"][i])
        tag = f"{i:08x}"
        if w == OUTBOUND:
            dialled = _as_dialled(numbers[customer[i]], c["dialled_form"][i])
            src, dst, context = ext, dialled, "from-internal"
            clid = f'"Agent {ext}" <{ext}>'
            channel = f"PJSIP/{ext}-{tag}"
            dstchannel = "" if d == FAILED else f"PJSIP/o2-trunk-{tag}"
            app, data = "Dial", f"PJSIP/{dialled}@o2-trunk,60"
        else:
            if w == KNOWN_IN:
                src = _as_dialled(numbers[customer[i]], c["number_form"][i])
            else:
                kind = c["unknown_kind"][i]
                if kind == 0:
                    src = _as_dialled(c["unknown"][c["unknown_pick"][i]], c["number_form"][i])
                elif kind == 1:
                    slovak = c["slovak"][i]
                    src = f"00421{SLOVAK_PREFIXES[slovak % len(SLOVAK_PREFIXES)]}{slovak:06d}"
                else:
                    src = "anonymous"
            dst, context = DIDS[c["line"][i]], "from-trunk"
            clid = f'"{src}" <{src}>'
            channel = f"PJSIP/o2-trunk-{tag}"
            queued = c["queue"][i] or d == ABANDONED
            if d in (ABANDONED, FAILED):
                dstchannel = ""
            else:
                dstchannel = f"PJSIP/{ext}-{tag}"
            app, data = ("Queue", "podpora,tT,,,300") if queued else ("Dial", f"PJSIP/{ext},30,tT")
        start, end = starts[i], ends[i]
        answer = answers[i] if c["answer"][i] >= 0 else ""
        duration = c["end"][i] - c["start"][i]
        billsec = c["billsec"][i]
        fields = [
            _q(""), _q(src), _q(dst), _q(context), _q(clid), _q(channel), _q(dstchannel),
            _q(app), _q(data), _q(start), _q(answer), _q(end), str(duration), str(billsec),
            _q(DISPOSITION_WORDS[d]), _q("DOCUMENTATION"), _q(f"{epochs[i]}.{i}"), _q(""),
        ]  # fmt: skip
        out.append(",".join(fields) + "\n")
    return out


def expected(calls: dict[str, Any]) -> dict[str, int]:
    """What the import should find: calls with a customer, missed ones, per disposition."""
    who, disposition = calls["who"], calls["disposition"]
    known = who != UNKNOWN_IN
    missed = (who != OUTBOUND) & (disposition != ANSWERED)
    withheld = (who == UNKNOWN_IN) & (calls["unknown_kind"] == 2)  # `anonymous`
    return {
        "rows": int(calls["rows"]),
        "inbound_from_customers": int((who == KNOWN_IN).sum()),
        "inbound_unknown": int((who == UNKNOWN_IN).sum()),
        "outbound": int((who == OUTBOUND).sum()),
        "calls_with_customer": int(known.sum()),
        "missed_calls": int(missed.sum()),
        "missed_from_customers": int((missed & (who == KNOWN_IN)).sum()),
        "inbound_withheld": int(withheld.sum()),
        "missed_withheld": int((missed & withheld).sum()),
        **{
            name: int((disposition == code).sum())
            for code, name in enumerate(
                ("answered", "no_answer", "busy", "gave_up_in_queue", "failed")
            )
        },
    }


def write_master_csv(folder: Path, rows: int, customers: int) -> tuple[Path, dict[str, int]]:
    """`Master_ROWS_CUSTOMERS.csv` and what it should import as (reused when present)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"Master_{rows}_{customers}.csv"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        return path, json.loads(meta.read_text(encoding="utf-8"))
    calls = generate(rows, customers)
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(lines(calls))
    facts = expected(calls)
    meta.write_text(json.dumps(facts, indent=2), encoding="utf-8")
    return path, facts
