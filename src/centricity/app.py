"""The FastAPI application factory: pages, API, security middleware, error handlers."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from centricity import __version__
from centricity.accounts import service as accounts
from centricity.config import Settings
from centricity.db import get_engine, session_factory
from centricity.feedback.analysis.warmer import FigureWarmer
from centricity.jobs.lease import SchedulerLease
from centricity.site.routes import include_routers
from centricity.sqlite_group_commit import group_commit_for
from centricity.web import errors, heap
from centricity.web.ratelimit import LoginThrottle, PublicThrottle
from centricity.web.security import SecurityMiddleware
from centricity.web.templating import templates
from centricity.web.writers import ConnectionGate, SQLiteWriterGate, pool_capacity

logger = logging.getLogger(__name__)
API_DESCRIPTION = (
    "Centricity REST API. Authenticate with `Authorization: Bearer <token>` "
    "(create one with `centricity token create EMAIL`). List endpoints answer "
    '`{"items": [...], "total": N}` and accept `limit` and `offset`.'
)


def _lifespan(settings: Settings, *, serving: bool, warm: bool):  # type: ignore[no-untyped-def]
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = None
        warmer = None
        # With several app workers only the one holding the lease runs jobs and schedules.
        lease = SchedulerLease(settings) if settings.scheduler_enabled else None
        if lease is not None and lease.acquire():
            from centricity.jobs.scheduler import InProcessWorker

            worker = InProcessWorker(settings)
            worker.start()
            logger.info("job scheduler runs in this worker (pid %d)", os.getpid())
        if serving:
            heap.freeze_startup_objects()
        if warm:
            # Every serving process keeps the Voice figures computed after each analysis.
            warmer = FigureWarmer(app.state.session_factory)
            warmer.start()
        try:
            yield
        finally:
            if warmer is not None:
                warmer.stop()
            if worker is not None:
                worker.stop(timeout=10)
            if lease is not None:
                lease.release()

    return lifespan


def create_app(
    settings: Settings,
    *,
    sessions: sessionmaker[Session] | None = None,
    serving: bool = False,
) -> FastAPI:
    """Build the web app for one installation; tests may pass their own session factory.
    `serving` is for the server's own process: its start-up objects are then frozen out of
    the garbage collector's passes (see `web.heap`), and, when the app opens its own
    sessions, a thread keeps the Voice page's figures computed after each analysis
    (`feedback.analysis.warmer`)."""
    settings.check_secure()
    accounts.use_secret(settings.secret_key)
    logging.getLogger("centricity").setLevel(settings.log_level)
    app = FastAPI(
        title="Centricity",
        version=__version__,
        description=API_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        # The figure warmer reads through the app's own pool; sessions a caller passes in
        # (tests: one connection for the whole test) must not be shared with a thread.
        lifespan=_lifespan(settings, serving=serving, warm=serving and sessions is None),
    )
    app.state.settings = settings
    app.state.session_factory = sessions or session_factory(get_engine(settings))
    app.state.group_commit = group_commit_for(app.state.session_factory)
    app.state.login_throttle = LoginThrottle(settings)
    app.state.public_throttle = PublicThrottle(settings)
    # Installed templates do not change under a running server: checking each one's file
    # for changes on every render is for development only.
    templates.env.auto_reload = settings.is_development
    errors.install(app)
    include_routers(app)
    if settings.is_sqlite:
        app.add_middleware(SQLiteWriterGate)
    # On both engines: the benchmark's 50 concurrent readers stalled SQLite's pool of 15 too.
    if (slots := pool_capacity(app.state.session_factory.kw.get("bind"))) is not None:
        app.add_middleware(ConnectionGate, slots=slots)
    app.add_middleware(
        SecurityMiddleware, secure=not settings.is_development, max_upload=settings.max_upload_bytes
    )
    return app
