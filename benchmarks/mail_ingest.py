"""Benchmark: 10,000 e-mails of mixed shapes through the inbound webhook and over IMAP.

A fresh store with one mailbox (department Support) and an agent's API token; `centricity
serve` (one worker on SQLite, `--workers 2` on PostgreSQL) receives the messages as a mail
relay would post them, from `--clients` concurrent connections (default 4: SQLite takes
one writer at a time, more connections only queue). The mix, seeded:
- 55% new messages from 3,000 senders: UTF-8 plain text, Outlook-like HTML in
  windows-1250, KOI8-R Russian, ISO-8859-2 Polish;
- 25% replies to an earlier message of the same sender (`In-Reply-To`, quoted history);
- 10% machine mail (auto-replies, list mail);
- 5% with a 50 KB PDF attached, 5% sent twice (duplicates).
Reports messages per second, the server's peak memory (VmHWM of its processes) and what
each message did. With `--imap`, the same messages are delivered into a Dovecot mailbox
(the tests' server, `tests/imap_server.py`) and one `centricity mail fetch` imports them
all, timed as its own process with its peak memory.

    .venv/bin/python benchmarks/mail_ingest.py                  # SQLite, 10,000 messages
    .venv/bin/python benchmarks/mail_ingest.py --engines sqlite,postgresql --messages 2000
    .venv/bin/python benchmarks/mail_ingest.py --imap           # + the IMAP fetch

Targets (issue 13): at least 100 messages/s through the webhook on SQLite; a complete IMAP
fetch of 10,000 messages under 5 minutes.
"""

from __future__ import annotations

import argparse
import base64
import collections
import json
import quopri
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from bench_kit import DATA_DIR, machine, write_result
from bench_kit.processes import centricity_command, centricity_env, run_measured
from bench_kit.serving import free_port, serve_command
from bench_kit.staff import add_user
from bench_kit.stores import drop_store, new_store, postgres_version, session

from centricity.accounts import service as accounts
from centricity.accounts.models import Role

NAMES = ["Eva Malá", "Petr Dvořák", "Anna Svensson", "Иван Петров", "Zofia Nowak", "Jonas Berg"]


def _crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("ascii")


def _plain(sender: str, name: str, subject: str, body: str, mid: str, extra: str = "") -> bytes:
    encoded = quopri.encodestring(body.encode()).decode()
    subject_word = "=?utf-8?b?" + base64.b64encode(subject.encode()).decode() + "?="
    name_word = "=?utf-8?b?" + base64.b64encode(name.encode()).decode() + "?="
    return _crlf(
        f"From: {name_word} <{sender}>\nTo: podpora@firma.cz\nSubject: {subject_word}\n"
        f"Message-ID: {mid}\n{extra}MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
        f"Content-Transfer-Encoding: quoted-printable\n\n{encoded}\n"
    )


def _html_cp1250(sender: str, mid: str) -> bytes:
    html = (
        "<html><body><p>Dobrý den,</p><p>zboží přišlo <b>poškozené</b>.</p>"
        "<ul><li>krabice</li><li>sklo</li></ul></body></html>"
    )
    encoded = quopri.encodestring(html.encode("windows-1250")).decode()
    return _crlf(
        f"From: Petr <{sender}>\nTo: podpora@firma.cz\nSubject: Reklamace\nMessage-ID: {mid}\n"
        "MIME-Version: 1.0\nContent-Type: text/html; charset=windows-1250\n"
        f"Content-Transfer-Encoding: quoted-printable\n\n{encoded}\n"
    )


def _charset(sender: str, mid: str, text: str, charset: str) -> bytes:
    body = base64.encodebytes(text.encode(charset)).decode()
    return _crlf(
        f"From: <{sender}>\nTo: podpora@firma.cz\nSubject: Order\nMessage-ID: {mid}\n"
        f"MIME-Version: 1.0\nContent-Type: text/plain; charset={charset}\n"
        f"Content-Transfer-Encoding: base64\n\n{body}\n"
    )


def _attachment(sender: str, mid: str, rng: random.Random) -> bytes:
    data = base64.encodebytes(rng.randbytes(50_000)).decode()
    return _crlf(
        f"From: <{sender}>\nTo: podpora@firma.cz\nSubject: Invoice\nMessage-ID: {mid}\n"
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n--b\n'
        "Content-Type: text/plain; charset=us-ascii\n\nInvoice attached.\n--b\n"
        'Content-Type: application/pdf; name="invoice.pdf"\n'
        'Content-Disposition: attachment; filename="invoice.pdf"\n'
        f"Content-Transfer-Encoding: base64\n\n{data}--b--\n"
    )


def messages(count: int, seed: int = 13) -> list[bytes]:
    """The seeded mix of the module docstring."""
    rng = random.Random(seed)
    sent: dict[str, list[str]] = collections.defaultdict(list)
    out: list[bytes] = []
    for n in range(count):
        sender = f"customer{rng.randrange(3000)}@example.cz"
        mid = f"<bench-{n}@example.cz>"
        roll = rng.random()
        if roll < 0.25 and sent[sender]:
            parent = sent[sender][-1]
            body = (
                f"Thank you, but still nothing.\n\nOn Monday, Support wrote:\n> We are on it.\n{n}"
            )
            raw = _plain(
                sender, rng.choice(NAMES), "Re: Order", body, mid, f"In-Reply-To: {parent}\n"
            )
        elif roll < 0.35:
            header = rng.choice(["Auto-Submitted: auto-replied", "Precedence: bulk"])
            raw = _plain(sender, "Auto", "Out of office", f"Away {n}", mid, header + "\n")
        elif roll < 0.40:
            raw = _attachment(sender, mid, rng)
        else:
            shape = rng.randrange(4)
            if shape == 0:
                raw = _plain(sender, rng.choice(NAMES), f"Objednávka {n}", f"Kde je? {n}", mid)
            elif shape == 1:
                raw = _html_cp1250(sender, mid)
            elif shape == 2:
                raw = _charset(sender, mid, f"Когда придёт заказ {n}?", "koi8-r")
            else:
                raw = _charset(sender, mid, f"Proszę o zwrot {n}, dziękuję.", "iso-8859-2")
        sent[sender].append(mid)
        out.append(raw)
        if rng.random() < 0.05:
            out.append(raw)  # delivered twice
    return out[:count]


def _seed(url: str) -> str:
    with session(url) as db:
        user = add_user(
            db,
            email="relay@bench.example",
            name="Relay",
            password="bench-pass-123",
            role=Role.AGENT,
            department="Support",
        )
        return accounts.create_token(db, user=user, read_only=False, actor=None)


def _peak_mb(pid: int) -> float:
    """The high-water resident memory of a process and its children (VmHWM), in MB."""
    total = 0
    for candidate in [pid, *_children(pid)]:
        try:
            status = Path(f"/proc/{candidate}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1])
    return total / 1024


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in children:
            found += [int(child), *_children(int(child))]
    return found


def _run(engine: str, count: int, clients: int) -> dict[str, Any]:
    url = new_store(engine, DATA_DIR, "mail_ingest")
    try:
        token = _seed(url)
        env = centricity_env(database_url=url, data_dir=str(DATA_DIR), environment="development")
        port = free_port()
        workers = ["--workers", "2"] if engine == "postgresql" else []
        log = (DATA_DIR / "mail_ingest_server.log").open("wb")  # one line per request
        server = serve_command(env, port, "--no-scheduler", *workers, log=log)
        try:
            corpus = messages(count)
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "message/rfc822"}
            outcomes: collections.Counter[str] = collections.Counter()
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:

                def post(raw: bytes) -> str:
                    answer = client.post("/api/v1/mail/inbound", content=raw, headers=headers)
                    if answer.status_code == 201:
                        return "created" if answer.json()["created"] else "threaded"
                    if answer.status_code == 202:
                        return str(answer.json()["ignored"])
                    return f"http {answer.status_code}"

                began, cpu_began = time.perf_counter(), time.process_time()
                with ThreadPoolExecutor(max_workers=clients) as pool:
                    outcomes.update(pool.map(post, corpus))
                seconds = time.perf_counter() - began
                client_cpu = time.process_time() - cpu_began
            peak = _peak_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
    finally:
        drop_store(url)
    return {
        "messages": count,
        "megabytes": round(sum(len(m) for m in corpus) / 1e6, 1),
        "clients": clients,
        "seconds": round(seconds, 2),
        "per_second": round(count / seconds, 1),
        "server_peak_mb": round(peak, 1),
        "client_cores": round(client_cpu / seconds, 2),  # the load generator's own CPU use
        "outcomes": dict(sorted(outcomes.items())),
    }


def _imap(engine: str, count: int) -> dict[str, Any]:
    """Deliver the messages into a Dovecot inbox, then time one `centricity mail fetch`."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import imap_server  # the tests' Dovecot runner: one copy of its configuration

    url = new_store(engine, DATA_DIR, "mail_imap")
    server = imap_server.start()
    try:
        _seed(url)
        corpus = messages(count)
        began = time.perf_counter()
        server.deliver(*corpus)
        delivered = time.perf_counter() - began
        boxes = DATA_DIR / "mail_imap_boxes.toml"
        boxes.write_text(
            f'[support]\naddress = "podpora@firma.cz"\ndepartment = "Support"\n'
            f'imap_url = "{server.url}"\n',
            encoding="utf-8",
        )
        env = centricity_env(
            database_url=url,
            data_dir=str(DATA_DIR),
            environment="development",
            mail_mailboxes_file=str(boxes),
        )
        fetch = run_measured(centricity_command("mail", "fetch"), env)
        again = run_measured(centricity_command("mail", "fetch"), env)
    finally:
        server.stop()
        drop_store(url)
    return {
        "messages": count,
        "deliver_seconds": round(delivered, 1),
        "fetch_seconds": round(fetch["seconds"], 1),
        "per_second": round(count / fetch["seconds"], 1),
        "peak_mb": round(fetch["peak_mb"], 1),
        "line": fetch["stdout"].strip().splitlines()[-1],
        "second_line": again["stdout"].strip().splitlines()[-1],
        "second_seconds": round(again["seconds"], 1),
        "returncodes": [fetch["returncode"], again["returncode"]],
    }


def main() -> None:
    """Run the webhook benchmark on each engine and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--engines", default="sqlite")
    parser.add_argument("--imap", action="store_true", help="also time an IMAP fetch")
    args = parser.parse_args()
    DATA_DIR.mkdir(exist_ok=True)
    results: dict[str, Any] = {"machine": machine.describe(postgres_version())}
    for engine in args.engines.split(","):
        results[engine] = _run(engine, args.messages, args.clients)
        print(engine, json.dumps(results[engine]), flush=True)
        if args.imap:
            results[engine]["imap"] = _imap(engine, args.messages)
            print(engine, "imap", json.dumps(results[engine]["imap"]), flush=True)
    print("results:", write_result("mail_ingest", results))


if __name__ == "__main__":
    main()
