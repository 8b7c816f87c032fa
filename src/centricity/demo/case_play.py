"""Play each planned case through the case services, step by step, up to the end of the
history: opened, answered, waiting on the customer, chased, solved, closed.

Every step is a real service call (`create`, `reply`, `update`) with its moment passed as
`now`, so the clocks, targets, history and customer timeline are exactly what staff working
those days would have left. When a step falls after the end of the history the case stops
there, which leaves the recent cases new, open or waiting on the customer, and some of
their targets past due for the breach check. Answer times are drawn against each case's
own targets, in working minutes of its policy's calendar: most are met, some are missed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import Department, User
from centricity.calendars import service as calendars
from centricity.calendars.hours import BusinessCalendar
from centricity.calendars.models import Calendar
from centricity.cases import service as cases
from centricity.cases.models import Case, SlaPolicy, Status, TargetKind
from centricity.cases.schemas import CaseCreate, CaseUpdate, ReplyCreate
from centricity.demo.case_plans import CasePlan

MINUTE = timedelta(minutes=1)
# Working minutes assumed when the case's policy sets no such target.
DEFAULT_RESPONSE, DEFAULT_RESOLUTION = 480, 2040
# Median seconds a caller waits by tier: the phone system puts valuable customers first.
CALLER_WAIT = {"Platinum": 15.0, "Gold": 25.0, "Silver": 45.0, "Bronze": 60.0}
STUCK_SHARE = 0.1  # cases that stay open for weeks: the backlog's long tail


class Player:
    """Opens and works the planned cases in one session, never past `end`."""

    def __init__(self, session: Session, end: datetime, seed: int, prefix: str) -> None:
        self.session, self.end, self.seed, self.prefix = session, end, seed, prefix
        self.number = 0
        # The session's identity map holds objects weakly: keep the few rows every case
        # looks up by id loaded, or each lookup is a query (a third of the statements).
        self._pinned = [
            *session.scalars(select(SlaPolicy)),
            *session.scalars(select(Calendar)),
            *session.scalars(select(Department)),
        ]

    def play(self, plan: CasePlan) -> Case:
        """Open the case and carry it as far as the history goes."""
        self.number += 1
        rng = np.random.default_rng([self.seed, 7, self.number])
        data = CaseCreate.model_validate(
            {
                **plan.fields,
                "opened_at": plan.opened_at,
                "external_id": f"{self.prefix}K{self.number:06d}",
                "assignee_id": None if plan.assign_on_answer else plan.owner.id,
            }
        )
        case = cases.create(self.session, data=data, actor=plan.creator, now=plan.opened_at)
        answered = self._first_answer(case, plan, rng)
        if answered is not None:
            _Flow(self, case, plan, rng).run(answered)
        return case

    def reached(self, moment: datetime) -> bool:
        """Whether the moment lies inside the history (later steps have not happened)."""
        return moment < self.end

    def policy(self, case: Case) -> SlaPolicy | None:
        """The policy serving the case now (from the session's identity map: no query)."""
        return self.session.get(SlaPolicy, case.policy_id) if case.policy_id else None

    def clock(self, case: Case) -> BusinessCalendar:
        """The working time the case's policy counts in (24/7 without a policy)."""
        policy = self.policy(case)
        if policy is None:
            return cases.clock_for(self.session, calendars.round_the_clock(self.session).id)
        return cases.clock_for(self.session, policy.calendar_id)

    def minutes(self, case: Case, kind: TargetKind, default: int) -> int:
        """The case's target of one kind in working minutes (`default` when none is set)."""
        policy = self.policy(case)
        minutes = policy.minutes_for(kind.value) if policy is not None else None
        return minutes or default

    def answer_time(
        self, case: Case, kind: TargetKind, since: datetime, rng: np.random.Generator
    ) -> datetime:
        """When staff answer: a share of the target's working minutes (about one answer in
        eight comes after the target), counted in the policy's calendar from `since`."""
        minutes = self.minutes(case, kind, DEFAULT_RESPONSE)
        share = float(rng.lognormal(np.log(0.4), 0.75))
        return max(since + MINUTE, self.clock(case).add(since, minutes * share))

    def _first_answer(
        self, case: Case, plan: CasePlan, rng: np.random.Generator
    ) -> datetime | None:
        if case.channel in cases.WAITING_CHANNELS and plan.flow == "customer":
            median = CALLER_WAIT.get(case.tier or "", 60.0) * (0.8 if case.channel == "chat" else 1)
            moment = case.opened_at + timedelta(seconds=float(rng.lognormal(np.log(median), 0.8)))
        else:
            moment = self.answer_time(case, TargetKind.FIRST_RESPONSE, case.opened_at, rng)
        return moment if self.reached(moment) else None

    def reply(self, case: Case, author: User, body: str, at: datetime, **kind: bool) -> None:
        """Add to the conversation at a moment of the history."""
        data = ReplyCreate(body=body, **kind)
        cases.reply(self.session, case=case, data=data, actor=author, now=at)

    def change(self, case: Case, author: User, at: datetime, **fields: object) -> None:
        """Change status, priority or assignee at a moment of the history."""
        data = CaseUpdate.model_validate(fields)
        cases.update(self.session, case=case, data=data, actor=author, now=at)


class _Flow:
    """The steps of one case after its opening, each only if the history reaches it."""

    def __init__(
        self, player: Player, case: Case, plan: CasePlan, rng: np.random.Generator
    ) -> None:
        self.player, self.case, self.plan, self.rng = player, case, plan, rng
        self.owner = plan.owner

    def _hours_later(self, since: datetime, median_hours: float) -> datetime:
        hours = float(self.rng.lognormal(np.log(median_hours), 0.8))
        return since + timedelta(hours=hours)

    def run(self, answered: datetime) -> None:
        """First answer, then the path the plan's flow and topic take."""
        if self.plan.assign_on_answer:
            self.player.change(self.case, self.owner, answered, assignee_id=self.owner.id)
        self.player.reply(self.case, self.owner, self.plan.conversation.reply, answered)
        if self.plan.flow == "task":
            self._solve(answered + 2 * MINUTE, message=False)
        elif self.plan.flow == "internal" or not (self.plan.asks or self.plan.quick):
            self._work(answered)
        elif self.plan.asks:
            self._ask(answered)
        else:
            self._quick(answered)

    def _work(self, answered: datetime) -> None:
        """Resolve after some working time; the customer may chase meanwhile (and the case
        may then become urgent, which re-evaluates its policy)."""
        clock = self.player.clock(self.case)
        minutes = self.player.minutes(self.case, TargetKind.RESOLUTION, DEFAULT_RESOLUTION)
        share = float(self.rng.lognormal(np.log(0.5), 0.7))
        solve_at = max(answered + 30 * MINUTE, clock.add(self.case.opened_at, minutes * share))
        if self.rng.random() < STUCK_SHARE:
            solve_at += timedelta(days=float(self.rng.uniform(10, 50)))
        chase_at = self._hours_later(answered, 30.0)
        if self.plan.flow == "customer" and chase_at < solve_at and self.rng.random() < 0.35:
            if not self._customer_writes(chase_at, self.plan.conversation.follow_up):
                return
            if self.rng.random() < 0.25 and self.player.reached(chase_at + 5 * MINUTE):
                chase_at += 5 * MINUTE
                self.player.change(self.case, self.owner, chase_at, priority="urgent")
            reply_at = self.player.answer_time(
                self.case, TargetKind.NEXT_RESPONSE, chase_at, self.rng
            )
            solve_at = max(solve_at, reply_at)
        self._solve(solve_at)

    def _ask(self, answered: datetime) -> None:
        """The reply asked for something: wait on the customer, who (mostly) answers."""
        asked = answered + MINUTE
        self.player.change(self.case, self.owner, asked, status=Status.WAITING_ON_CUSTOMER.value)
        if self.rng.random() < 0.15:  # never answers: solved two weeks later without a word
            self._solve(asked + timedelta(days=14), message=False)
            return
        wrote = self._hours_later(asked, 20.0)
        if self._customer_writes(wrote, self.plan.conversation.follow_up):
            self._solve(
                self.player.answer_time(self.case, TargetKind.NEXT_RESPONSE, wrote, self.rng)
            )

    def _quick(self, answered: datetime) -> None:
        """The first reply settles it; now and then the customer asks one more thing."""
        solved = answered + 2 * MINUTE
        if not self._status(solved, Status.SOLVED):
            return
        wrote = self._hours_later(solved, 18.0)
        if self.rng.random() < 0.25 and self._customer_writes(
            wrote, self.plan.conversation.follow_up
        ):
            self._solve(
                self.player.answer_time(self.case, TargetKind.NEXT_RESPONSE, wrote, self.rng)
            )
        else:
            self._close(solved)

    def _customer_writes(self, at: datetime, body: str) -> bool:
        if not self.player.reached(at):
            return False
        self.player.reply(self.case, self.owner, body, at, from_customer=True)
        return True

    def _status(self, at: datetime, status: Status) -> bool:
        if not self.player.reached(at):
            return False
        self.player.change(self.case, self.owner, at, status=status.value)
        return True

    def _solve(self, at: datetime, *, message: bool = True) -> None:
        """Note what was done (sometimes), send the solution, mark solved, maybe close."""
        if not self.player.reached(at):
            return
        conversation = self.plan.conversation
        if conversation.note and self.rng.random() < 0.4:
            noted = max(
                at - timedelta(minutes=float(self.rng.uniform(5, 60))), self.case.updated_at
            )
            self.player.reply(self.case, self.owner, conversation.note, noted, public=False)
        if message and conversation.solution:
            self.player.reply(self.case, self.owner, conversation.solution, at)
        if self._status(at + MINUTE, Status.SOLVED):
            self._close(at + MINUTE)

    def _close(self, solved: datetime) -> None:
        if self.rng.random() < 0.7:
            self._status(solved + timedelta(days=float(self.rng.uniform(3, 9))), Status.CLOSED)
