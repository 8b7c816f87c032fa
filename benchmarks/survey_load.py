"""Benchmark: survey respondents under load, and the Voice page at 1,000,000 feedback items.

Issue 14, item 9: 200 concurrent respondents submitting answers for 60 s against SQLite
(one worker) and PostgreSQL (`--workers 2`): answers per second, p50/p95/p99 latency,
errors, and zero lost or duplicated answers; the latency at a fixed offered load of 100
answers/s (target p95 under 200 ms); and the Voice page (`GET /voice`) on a store with
1,000,000 feedback items (target under 500 ms), with `GET /api/v1/feedback?customer_id=N`
and `GET /api/v1/voice/metrics` beside it.

`centricity serve` runs as its own process (production settings, `--no-scheduler`, as
`api_load.py` serves). All respondents come from 127.0.0.1, so the per-address limit of
the public pages (`CENTRICITY_PUBLIC_REQUESTS_PER_MINUTE`, 60) is raised to its maximum
for the run. Respondents: `wrk` (one connection per respondent, `survey_bench/answers.lua`)
POSTs `/s/{token}` with `page=main`, a score and a comment, a plain form without Origin
header as the page sends it, each link once; the links are made beforehand through
`centricity.surveys.service`. Then a sample of used links is sent again (each must get 409
and change nothing) and `bench_kit.loadgen.open_loop` offers answers at a fixed rate.
`--spread-addresses` is a what-if: every respondent its own address behind a trusted proxy
(`X-Forwarded-For`) and the default limit, since the throttle reads every request of an
address in its window; `--profile N` splits an answer's time by step, in-process.

Usage (from the repository root)::

    .venv/bin/python benchmarks/survey_load.py                    # everything, both engines
    .venv/bin/python benchmarks/survey_load.py --engines sqlite --seconds 5 --clients 10 \\
        --rows 10000 --responses 2000 --fixed-seconds 5           # a quick look
    .venv/bin/python benchmarks/survey_load.py --cases voice --engines postgresql
    .venv/bin/python benchmarks/survey_load.py --cases respondents --spread-addresses  # what-if
    .venv/bin/python benchmarks/survey_load.py --cases none --engines sqlite --profile 500

Stores: SQLite files under `benchmarks/data/` (overwritten by the next run), PostgreSQL
databases `centricity_survey_*` made for the run and dropped after it. Results:
`benchmarks/results/survey_load.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from bench_kit import DATA_DIR, RESULTS_DIR, write_result
from bench_kit.loadgen import open_loop, raw_request, require_wrk, run_wrk
from bench_kit.machine import cpu_model, cpu_times, load_average, memory_gib, process_tree_cpu
from bench_kit.processes import centricity_env
from bench_kit.serving import free_port, serve_command
from bench_kit.staff import sign_in
from bench_kit.stores import drop_store, postgres_version, session
from bench_kit.timing import latency
from sqlalchemy import select, text
from survey_bench import MANAGER_EMAIL, SCRIPT, SECRET, checks
from survey_bench.profile import profile_answers
from survey_bench.stores import Link, respondents_store, voice_store

from centricity.accounts import service as accounts
from centricity.accounts.models import User
from centricity.feedback.analysis import insights, segments, voice_section
from centricity.surveys import breakdown as voice_groups
from centricity.surveys import closed_loop, metrics, verbatims, voice, voice_filters

CASES = ("respondents", "voice")
FIXED_P95_MS, VOICE_MS = 200.0, 500.0
# Links made per second of closed-loop load: above what one store can answer here (a run
# that runs out reports `reused_links`).
LINKS_PER_SECOND = 300
RESUBMITTED = 100  # used links sent again, each must get 409 and change nothing
CORES = os.cpu_count() or 1
# The Voice store's tables, counted after loading.
TABLES = (
    "customers",
    "surveys",
    "survey_invitations",
    "survey_responses",
    "cases",
    "feedback_items",
)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--clients", type=int, default=200, help="concurrent respondents")
    parser.add_argument("--seconds", type=int, default=60, help="the measured wrk run")
    parser.add_argument("--warmup", type=int, default=5, help="wrk warm-up before it")
    parser.add_argument("--rate", type=float, default=100.0, help="fixed offered answers/s")
    parser.add_argument("--fixed-seconds", type=float, default=30.0)
    parser.add_argument("--rows", type=int, default=1_000_000, help="feedback items (Voice)")
    parser.add_argument("--responses", type=int, default=100_000, help="finished answers (Voice)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per endpoint")
    parser.add_argument(
        "--themes",
        type=int,
        default=50,
        help="themes the Voice store's items are analysed into (0: an unanalysed store)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="also post N answers in-process under cProfile and split their time by step",
    )
    parser.add_argument(
        "--spread-addresses",
        action="store_true",
        help="a what-if: each respondent its own address through a trusted proxy "
        "(X-Forwarded-For), the public limit left at its default (results under ENGINE+spread)",
    )
    args = parser.parse_args(argv)
    args.engines = [
        "postgresql" if e.startswith("postgres") else e for e in args.engines.split(",")
    ]
    return args


@contextmanager
def serving(url: str, engine: str, *, spread: bool = False) -> Iterator[tuple[int, Any]]:
    """`centricity serve` on the store at `url` in its own process: its port and process.
    Every respondent is 127.0.0.1, so the public limit is raised to its maximum; `spread`
    trusts this machine as a proxy instead and keeps the default limit."""
    limit = (
        {"forwarded_allow_ips": "127.0.0.1"} if spread else {"public_requests_per_minute": "100000"}
    )
    env = centricity_env(
        inherit=False,
        data_dir=str(DATA_DIR),
        database_url=url,
        secret_key=SECRET,
        environment="production",
        **limit,
    )
    serve = ["--workers", "2"] if engine == "postgresql" else []
    port = free_port()
    with (DATA_DIR / f"survey_load_server_{engine}.log").open("wb") as log:
        server = serve_command(env, port, *serve, "--no-scheduler", log=log)
        try:
            yield port, server
        finally:
            server.terminate()
            server.wait(timeout=30)


def links_file(name: str, links: list[Link], spread: bool) -> Path:
    """The wrk script's input: one "PATH<TAB>BODY<TAB>ADDRESS" a line."""
    path = DATA_DIR / f"survey_load_{name}.tsv"
    lines = (f"{x.path}\t{x.body()}\t{x.address if spread else ''}\n" for x in links)
    path.write_text("".join(lines), encoding="utf-8")
    return path


def form_headers(link: Link, spread: bool) -> dict[str, str]:
    """Headers of a respondent's POST (the form's type; the address behind a proxy)."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return headers | ({"X-Forwarded-For": link.address} if spread else {})


def respondents(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    """Closed-loop respondents, resubmitted links, then the fixed offered load."""
    warm_n, run_n = args.warmup * LINKS_PER_SECOND, args.seconds * LINKS_PER_SECOND
    fixed_n = int(args.rate * args.fixed_seconds)
    url, links = respondents_store(engine, warm_n + run_n + fixed_n)
    warm, run, fixed = links[:warm_n], links[warm_n : warm_n + run_n], links[warm_n + run_n :]
    out: dict[str, Any] = {"links": len(links), "loadavg_before": load_average()}
    spread = args.spread_addresses
    try:
        with serving(url, engine, spread=spread) as (port, server):
            base = f"http://127.0.0.1:{port}"
            for name, part, seconds in (("warmup", warm, args.warmup), ("run", run, args.seconds)):
                before, busy, cpu = checks.tallies(url), cpu_times(), process_tree_cpu(server.pid)
                script_args = [str(links_file(name, part, spread)), "2"]  # wrk -t2
                closed = run_wrk(
                    base, SCRIPT, script_args, seconds=seconds, connections=args.clients
                )
                busy2 = cpu_times()
                closed["server_cpu_ms"] = (
                    (process_tree_cpu(server.pid) - cpu) * 1000 / max(closed["requests"], 1)
                )
                closed["machine_busy_cores"] = (busy2[0] - busy[0]) / (busy2[1] - busy[1]) * CORES
                time.sleep(1)  # answers in flight when wrk stopped finish on the server
                closed["store"] = checks.change(before, checks.tallies(url))
                out["warmup" if name == "warmup" else "closed"] = closed
                print(f"  {engine} respondents, {name}: {closed_line(closed)}", flush=True)
            out["resubmitted"] = resubmit(base, url, run, spread)
            print(f"  {engine} resubmitted: {json.dumps(out['resubmitted'])}", flush=True)
            cpu = process_tree_cpu(server.pid)
            out["fixed"] = fixed_load(port, url, fixed, args)
            out["fixed"]["server_cpu_ms"] = round(
                (process_tree_cpu(server.pid) - cpu) * 1000 / max(len(fixed), 1), 2
            )
            print(f"  {engine} fixed load: {json.dumps(out['fixed'])}", flush=True)
        stored = checks.stored_answers(url, links)
        out["finished_total"] = len(stored)
        out["not_as_sent"] = checks.mismatches(links, stored)
        out["duplicates"] = {k: v for k, v in checks.tallies(url).items() if k in checks.DUPLICATES}
    finally:
        drop_store(url)
    out["loadavg_after"] = load_average()
    return out


def closed_line(r: dict[str, Any]) -> str:
    """One closed-loop result in a line."""
    return (
        f"{r['answered'] / r['seconds']:.1f} answers/s ({r['rps']:.0f} req/s), p50 {r['p50']:.1f}"
        f" p95 {r['p95']:.1f} p99 {r['p99']:.1f} ms, 200: {r['answered']}, 409: {r['used']},"
        f" other 4xx: {r['refused']}, 5xx: {r['server_errors']}, socket errors:"
        f" {r['errors_connect'] + r['errors_read'] + r['errors_write'] + r['errors_timeout']},"
        f" links reused: {r['reused_links']}; store: {json.dumps(r['store'])}; wrk"
        f" {r['generator_cores']:.2f} core, app {r['server_cpu_ms']:.1f} ms CPU/request"
    )


def resubmit(base: str, url: str, run: list[Link], spread: bool) -> dict[str, Any]:
    """Send a sample of used links again with another score: each must answer 409 and
    the store must not change (counts, and the answers kept)."""
    stored = checks.stored_answers(url, run)
    sample = random.Random(9).sample(
        [x for x in run if x.token in stored], k=min(RESUBMITTED, len(stored))
    )
    before = checks.tallies(url)
    with httpx.Client(base_url=base, timeout=30) as client:
        statuses = Counter(
            client.post(
                link.path,
                content=link.body((link.score + 5) % 11),
                headers=form_headers(link, spread),
            ).status_code
            for link in sample
        )
    after = checks.stored_answers(url, sample)
    return {
        "sent": len(sample),
        "statuses": {str(k): v for k, v in statuses.items()},
        "store_change": checks.change(before, checks.tallies(url)),
        "answers_changed": sum(1 for link in sample if after.get(link.token) != stored[link.token]),
    }


def fixed_load(port: int, url: str, fixed: list[Link], args: argparse.Namespace) -> dict[str, Any]:
    """Answers offered at `args.rate` per second, each link once (its index is the
    sample's kind, so every 200 can be matched with a finished response)."""
    host, spread = f"127.0.0.1:{port}", args.spread_addresses
    requests = [
        (str(k), raw_request(host, "POST", x.path, form_headers(x, spread), x.body().encode()))
        for k, x in enumerate(fixed)
    ]
    before = checks.tallies(url)
    run = open_loop("127.0.0.1", port, requests, rate=args.rate, seconds=args.fixed_seconds)
    answered = {fixed[int(s.kind)].token for s in run.samples if s.status == 200}
    finished = set(checks.stored_answers(url, fixed))
    return {
        "offered_rps": args.rate,
        "achieved_rps": round(len(run.samples) / run.seconds, 1),
        "generator_cores": round(run.cores, 3),
        "latency": latency([s.ms for s in run.samples]),
        "statuses": dict(Counter(str(s.status) for s in run.samples)),  # 0: no answer
        "store": checks.change(before, checks.tallies(url)),
        "slow_seconds": slow_seconds(run.samples),
        # The generator's own collector pauses of 10 ms or more (second of the run: ms).
        "generator_gc": {
            f"{at:.1f}": round(ms, 1) for at, _gen, ms in run.gc_pauses if ms >= 10 and at >= 0
        },
        "lost": len(answered - finished),  # a 200 without a finished response
        "finished_without_200": len(finished - answered),
    }


def slow_seconds(samples: list[Any]) -> dict[str, float]:
    """The seconds of the run (from its start) in which some answer took longer than the
    p95 target, with the slowest answer due in each: shows whether a missed p95 is one
    stall the queue then drained, or a load the server never kept up with."""
    worst: dict[int, float] = {}
    for sample in samples:
        if sample.ms > FIXED_P95_MS:
            second = int(sample.due_s)
            worst[second] = max(worst.get(second, 0.0), sample.ms)
    return {str(second): round(ms, 1) for second, ms in sorted(worst.items())}


def voice_case(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    """Build the Voice store, time the page and the two API reads sequentially, and
    split the page's work in-process."""
    url, stages = voice_store(engine, args.rows, args.responses, args.themes)
    out: dict[str, Any] = {"build_seconds": stages, "loadavg_before": load_average()}
    try:
        with session(url) as db:
            counted = {t: int(db.scalar(text(f"SELECT count(*) FROM {t}")) or 0) for t in TABLES}
            ids = [
                int(i)
                for i in db.scalars(
                    text("SELECT DISTINCT customer_id FROM feedback_items LIMIT 5000")
                )
            ]
        out["rows"] = counted
        accounts.use_secret(SECRET)  # sessions and tokens are keyed like the server's
        creds = sign_in(url, MANAGER_EMAIL, max_age_seconds=3600, api_token=True)
        customers = random.Random(3).sample(ids, k=min(args.requests, len(ids)))
        probes = [("voice page", "/voice", {"Cookie": f"centricity_session={creds.cookie}"})]
        api = {"Authorization": f"Bearer {creds.token}"}
        probes += [("feedback API", f"/api/v1/feedback?customer_id={c}", api) for c in customers]
        probes += [("metrics API", "/api/v1/voice/metrics", api)]
        probes += [("themes API", "/api/v1/voice/themes", api)]
        probes += [("drivers API", "/api/v1/voice/drivers?metric=nps", api)]
        with serving(url, engine) as (port, _server):
            base = f"http://127.0.0.1:{port}"
            out["endpoints"] = timed_probes(base, probes, args.requests)
            writer = sign_in(
                url, MANAGER_EMAIL, max_age_seconds=3600, api_token=True, read_only=False
            )
            out["endpoints"]["voice page after a new item"] = after_new_items(
                base,
                probes[0][2],
                {"Authorization": f"Bearer {writer.token}"},
                customers,
                args.requests,
            )
        out["breakdown_ms"] = breakdown(url)
    finally:
        drop_store(url)
    out["loadavg_after"] = load_average()
    for name, r in out["endpoints"].items():
        print(f"  {engine} {name}: p50 {r['median']:.1f} p95 {r['p95']:.1f} max {r['max']:.1f} ms")
    print(f"  {engine} Voice page parts (ms, in-process): {json.dumps(out['breakdown_ms'])}")
    return out


def timed_probes(
    base: str, probes: list[tuple[str, str, dict[str, str]]], n: int
) -> dict[str, Any]:
    """Each endpoint `n` times, sequentially on one keep-alive connection, after three
    warm-up rounds, the endpoints interleaved; each answer must be 200."""
    by_name: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for name, path, headers in probes:
        by_name.setdefault(name, []).append((path, headers))
    times: dict[str, list[float]] = {name: [] for name in by_name}
    with httpx.Client(base_url=base, timeout=60) as client:
        for k in range(n + 3):
            for name, options in by_name.items():
                path, headers = options[k % len(options)]
                began = time.perf_counter()
                answer = client.get(path, headers=headers)
                elapsed = (time.perf_counter() - began) * 1000
                if answer.status_code != 200:
                    raise SystemExit(f"{path}: {answer.status_code} {answer.text[:300]}")
                if k >= 3:
                    times[name].append(elapsed)
    return {name: latency(values) for name, values in times.items()}


def after_new_items(
    base: str, page: dict[str, str], api: dict[str, str], customers: list[int], n: int
) -> dict[str, Any]:
    """The Voice page viewed right after a new feedback item came in (POSTed through the
    API, as another source would send it), `n` times: what a manager sees while customers
    keep answering. Only the page view is timed; each answer must be 201, each page 200."""
    times = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for k in range(n):
            item = {
                "customer_id": customers[k % len(customers)],
                "source": "review",
                "score": k % 11,
                "scale": "nps",
                "text": f"Dodání trvalo příliš dlouho, objednávka {k}",
            }
            sent = client.post("/api/v1/feedback", json=item, headers=api)
            if sent.status_code != 201:
                raise SystemExit(f"feedback POST: {sent.status_code} {sent.text[:300]}")
            began = time.perf_counter()
            answer = client.get("/voice", headers=page)
            elapsed = (time.perf_counter() - began) * 1000
            if answer.status_code != 200:
                raise SystemExit(f"/voice: {answer.status_code} {answer.text[:300]}")
            times.append(elapsed)
    return latency(times)


def breakdown(url: str, repeats: int = 5) -> dict[str, float]:
    """Median milliseconds of what the Voice page and the metrics API read, called
    in-process: where the time goes if a target is missed; for each part also its first
    call with nothing remembered (`NAME first`)."""
    view = voice_filters.read({})  # the page's default: twelve months by month
    parts = {
        "voice.survey_rows": lambda db: voice.survey_rows(db),
        "verbatims.latest (manager)": lambda db: verbatims.latest(db, actor=_manager(db)),
        "breakdown.groups (page default)": lambda db: voice_groups.groups(
            db, group_by=view.group_by, period=view.period
        ),
        "closed_loop.section (manager)": lambda db: closed_loop.section(db, _manager(db)),
        "metrics.figures (all surveys)": lambda db: metrics.figures(db),
        "themes.section (manager, en)": lambda db: voice_section.section(
            db, _manager(db), language="en", metric="nps"
        ),
        "insights.themes (manager, en)": lambda db: insights.themes(
            db, actor=_manager(db), language="en"
        ),
        "insights.drivers (nps)": lambda db: insights.drivers(db, metric="nps", language="en"),
        "insights.spikes": lambda db: insights.spikes(db),
        "insights.unthemed_share": lambda db: insights.unthemed_share(db),
        "segments.themes_by_group": lambda db: segments.themes_by_group(db, language="en"),
    }
    found = {}
    with session(url) as db:
        for name, read in parts.items():
            runs = []
            # The theme figures are remembered per data version; the first call after a
            # change (a new item, an analysis run) computes them: timed on its own.
            insights._MEMORY.clear()
            for k in range(repeats + 1):
                began = time.perf_counter()
                read(db)
                runs.append((time.perf_counter() - began) * 1000)
                db.expire_all()
                if k == 0:
                    found[f"{name} first"] = round(runs.pop(), 1)
            found[name] = round(statistics.median(runs), 1)
    return found


def _manager(db: Any) -> User:
    """The benchmark's manager, as the Voice page's viewer."""
    return db.scalars(select(User).where(User.email == MANAGER_EMAIL)).one()


def verdicts(engine: str, r: dict[str, Any]) -> list[str]:
    """The issue's targets, met or missed, for one engine."""
    lines = []
    if "respondents" in r:
        res = r["respondents"]
        closed, fixed = res["closed"], res["fixed"]
        store = closed["store"]
        errors = (
            closed["requests"]
            - closed["answered"]
            + sum(
                closed[k]
                for k in ("errors_connect", "errors_read", "errors_write", "errors_timeout")
            )
        )
        lost = max(0, closed["answered"] - store["finished"]) + fixed["lost"]
        doubled = sum(res["duplicates"].values()) + res["not_as_sent"]
        lines.append(f"{engine}: closed loop errors {errors} (zero): {errors == 0}")
        lines.append(
            f"{engine}: lost {lost}, duplicated or altered {doubled} (zero): {lost + doubled == 0}"
        )
        resent = res["resubmitted"]
        ok = resent["statuses"] == {"409": resent["sent"]} and not any(
            resent["store_change"].values()
        )
        lines.append(
            f"{engine}: resubmitted {resent['sent']}, each 409, nothing changed: "
            f"{ok and resent['answers_changed'] == 0}"
        )
        p95 = fixed["latency"]["p95"]
        lines.append(
            f"{engine}: p95 at {fixed['offered_rps']:.0f}/s offered {p95:.1f} ms (< 200): "
            f"{p95 < FIXED_P95_MS}"
        )
    if "voice" in r:
        for name in ("voice page", "voice page after a new item"):
            page = r["voice"]["endpoints"][name]
            lines.append(
                f"{engine}: {name} p95 {page['p95']:.1f} ms (< 500): {page['p95'] < VOICE_MS}"
            )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Measure each case on each engine asked for; print, merge into the results file."""
    args = parse_args(argv)
    require_wrk()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    machine = {
        "cpu": cpu_model(),
        "cores": CORES,
        "memory_gib": round(memory_gib() or 0, 1),
        "python": sys.version.split()[0],
        "postgres": postgres_version(),
    }
    print("Machine: " + ", ".join(f"{k}={v}" for k, v in machine.items()))
    path = RESULTS_DIR / "survey_load.json"
    saved = json.loads(path.read_text()) if path.exists() else {"runs": {}}
    lines = []
    for engine in args.engines:
        result: dict[str, Any] = {}
        for case in [c for c in args.cases.split(",") if c in CASES]:
            print(f"Measuring {case} on {engine}", flush=True)
            measure = respondents if case == "respondents" else voice_case
            result[case] = measure(engine, args) | {"machine": machine, "options": vars(args)}
        if args.profile:
            print(f"Profiling {args.profile} answers on {engine} (in-process)", flush=True)
            result["profile"] = profile_answers(engine, args.profile, limit=100_000)
            for label, step in result["profile"]["steps"].items():
                print(f"  {label}: {step['ms_per_answer']} ms ({step['calls']} calls)")
        # Cases measured again replace their own results only.
        saved["runs"].setdefault(engine + ("+spread" if args.spread_addresses else ""), {}).update(
            result
        )
        lines += verdicts(engine, result)
        write_result("survey_load", saved)  # after each engine: a later failure keeps it
    print("\n".join(["", "Targets:", *lines]))
    return 0 if all(line.endswith("True") for line in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
