"""Load generators that drive a running server over HTTP/1.1 keep-alive, each with its own
CPU use measured, so a report can show the generator was not the bottleneck:

* `run_wrk` — Debian's `wrk` (closed loop: N connections, each sends its next request when
  the answer to the last one arrived), driven by a Lua script;
* `open_loop` — a fixed offered load (requests sent on a schedule whatever the server does),
  latency counted from the scheduled send time so a stalled server is not hidden
  ("coordinated omission").
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def require_wrk() -> str:
    """The path of `wrk`, or exit saying how to install it."""
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit(
            "wrk is not installed: `sudo apt-get install -y wrk` (Debian/Ubuntu package wrk)"
        )
    return path


def run_wrk(
    url: str, script: Path, script_args: list[str], *, connections: int, seconds: int
) -> dict[str, Any]:
    """Run `wrk --latency` with a Lua script whose `done()` prints one `RESULT {json}` line;
    return that result plus wrk's own CPU seconds and share of one core (from `wait4`)."""
    args = [require_wrk(), "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    args += ["--latency", "-s"]
    args += [str(script), url, "--", *script_args]
    began = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    out = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - began
    lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
    if os.waitstatus_to_exitcode(status) != 0 or not lines:
        raise SystemExit(f"wrk failed:\n{out}")
    result: dict[str, Any] = json.loads(lines[-1].removeprefix("RESULT "))
    cpu = usage.ru_utime + usage.ru_stime
    result["generator_cpu_s"] = round(cpu, 2)
    result["generator_cores"] = round(cpu / wall, 3)
    return result


@dataclass
class Sample:
    """One request of an open-loop run: its kind, status and milliseconds from the moment
    it was due to be sent to the end of its answer."""

    kind: str
    status: int
    ms: float
    due_s: float = 0.0  # when it was due, in seconds from the run's start


@dataclass
class OpenLoopRun:
    """Samples of an open-loop run and the generator's own CPU use."""

    samples: list[Sample] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    started: float = 0.0  # perf_counter at the run's start
    gc_pauses: list[tuple[float, int, float]] = field(default_factory=list)  # at, gen, ms

    @property
    def cores(self) -> float:
        """Generator CPU as a share of one core."""
        return self.cpu_seconds / self.seconds if self.seconds else 0.0


IDLE_SECONDS = 4.0


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one HTTP/1.1 response; its status and whether the connection may be reused."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
    status = int(head.split(" ", 2)[1])
    headers = dict(
        line.split(":", 1) for line in head.split("\r\n")[1:] if ":" in line
    )  # lower-cased names and values
    if headers.get("transfer-encoding", "").strip() == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection", "").strip() != "close"


async def _open_loop(
    host: str, port: int, requests: list[tuple[str, bytes]], rate: float, seconds: float
) -> OpenLoopRun:
    # Idle keep-alive connections with the time each was last used: one idle longer than
    # the server keeps it (Uvicorn closes after 5 s) is dropped, not reused, as an HTTP
    # client pool does; reusing it failed a few requests after each stall with a reset.
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
    run = OpenLoopRun()

    async def connection() -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        while idle:
            reader, writer, used = idle.pop()
            if time.perf_counter() - used < IDLE_SECONDS:
                return reader, writer
            writer.close()
        return await asyncio.open_connection(host, port)

    async def fire(kind: str, raw: bytes, due: float) -> None:
        reader, writer = await connection()
        try:
            writer.write(raw)
            status, keep = await asyncio.wait_for(_read_answer(reader), timeout=30)
        except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError):
            status, keep = 0, False
        ms = (time.perf_counter() - due) * 1000
        run.samples.append(Sample(kind, status, ms, due - start))
        if keep:
            idle.append((reader, writer, time.perf_counter()))
        else:
            writer.close()

    tasks = []
    cpu0, start = time.process_time(), time.perf_counter()
    run.started = start
    for i in range(int(rate * seconds)):
        due = start + i / rate
        if (wait := due - time.perf_counter()) > 0:
            await asyncio.sleep(wait)
        kind, raw = requests[i % len(requests)]
        tasks.append(asyncio.create_task(fire(kind, raw, due)))
    await asyncio.gather(*tasks)
    run.seconds = time.perf_counter() - start
    run.cpu_seconds = time.process_time() - cpu0
    for _reader, writer, _used in idle:
        writer.close()
    return run


def open_loop(
    host: str, port: int, requests: list[tuple[str, bytes]], *, rate: float, seconds: float
) -> OpenLoopRun:
    """Send `rate` requests per second for `seconds` (cycling through `requests`, each a
    kind and the raw HTTP/1.1 bytes), opening another keep-alive connection whenever none is
    idle; latencies are measured from each request's scheduled time, and the generator's
    own garbage-collector pauses are kept (`gc_pauses`) to show it did not stall."""
    run = OpenLoopRun()
    began: dict[int, float] = {}

    def timed(phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        if phase == "start":
            began[info["generation"]] = now
        elif (t := began.pop(info["generation"], None)) is not None:
            run.gc_pauses.append((t, info["generation"], (now - t) * 1000))

    # The caller's heap (a benchmark that built its store in-process holds millions of
    # objects) is left out of the collector's passes for the run: a full pass over it
    # stalled the sending for 160-380 ms, counted as the server's latency.
    gc.collect()
    gc.freeze()
    gc.callbacks.append(timed)
    try:
        result = asyncio.run(_open_loop(host, port, requests, rate, seconds))
    finally:
        gc.callbacks.remove(timed)
        gc.unfreeze()
    result.gc_pauses = [(at - result.started, gen, ms) for at, gen, ms in run.gc_pauses]
    return result


def raw_request(
    host: str, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> bytes:
    """The bytes of one HTTP/1.1 request."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body or method not in {"GET", "HEAD"}:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
