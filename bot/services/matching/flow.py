"""The curator's matching: a draft proposal kept in the database (it survives restarts and
nothing is paired until the curator confirms), edits to it (drop, swap, add by hand), and the
confirmation that re-checks every pair against the current database, creates the pairs and
queues the introductions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.channel.keyboard import keyboards_of
from bot.services.errors import AccessDenied, DomainError
from bot.services.lifecycle import monitoring_surveys as lifecycle
from bot.services.matching import (
    ManualPairCheck,
    MenteeProfile,
    MentorProfile,
    Preferences,
    Reason,
    Weights,
    check_manual_pair,
    hard_rule_failure,
    rank_mentors_for,
    shown_score,
    soft_score,
)
from bot.services.matching.data import Cohort, build_cohort, preferences, weights_of
from bot.services.notices import outbox
from bot.services.people import access
from bot.services.programmes import states
from bot.services.programmes.forms import form_param
from models import (
    MatchDraft,
    Pair,
    PairState,
    Participation,
    ParticipationState,
    Programme,
    User,
)
from models.base import utcnow

DROPPED = "dropped"  # an unmatched reason of our own: the curator removed the pair


@dataclass(frozen=True)
class DraftPair:
    mentor_id: int
    mentee_id: int
    mentor_name: str
    mentee_name: str
    score: int  # shown_score: the number the pair's card will show
    reasons: list[Reason]
    manual: bool
    any_audience: bool
    failure: str | None  # a hard rule the pair breaks now (shown; confirm would refuse)


@dataclass(frozen=True)
class DraftUnmatched:
    mentee_id: int
    name: str
    reason: str


@dataclass(frozen=True)
class DraftView:
    draft_id: int
    programme_id: int
    programme_title: str
    pairs: list[DraftPair]
    unmatched: list[DraftUnmatched]
    not_ready: int


@dataclass(frozen=True)
class Candidate:
    mentor_id: int
    name: str
    score: int  # shown_score


@dataclass
class Context:
    """A draft with the cohort, weights and preferences it is judged against."""

    draft: MatchDraft
    programme: Programme
    cohort: Cohort
    weights: Weights
    prefs: Preferences

    def name(self, participation_id: int) -> str:
        person = self.cohort.people.get(participation_id)
        return (person.full_name if person and person.full_name else f"#{participation_id}")

    def pairs(self) -> list[tuple[int, int, bool]]:
        return [(int(a), int(b), bool(m)) for a, b, m in self.draft.pairs]

    def mentor_with_room(self, mentor_id: int, ignore_mentee: int | None = None
                         ) -> MentorProfile | None:
        """The mentor with the capacity left after the draft's other pairs."""
        mentor = self.cohort.mentor(mentor_id)
        return None if mentor is None else self.room_of(mentor, ignore_mentee)

    def room_of(self, mentor: MentorProfile, ignore_mentee: int | None = None) -> MentorProfile:
        used = sum(1 for a, b, _ in self.pairs() if a == mentor.id and b != ignore_mentee)
        return replace(mentor, capacity=mentor.capacity - used)


async def _context(session: AsyncSession, draft: MatchDraft) -> Context:
    programme = await session.get_one(Programme, draft.programme_id)
    cohort = await build_cohort(session, draft.programme_id)
    return Context(draft, programme, cohort, weights_of(programme),
                   await preferences(session, cohort))


def _reason_json(reasons: list[Reason]) -> list[dict[str, Any]]:
    return [{"code": r.code, "items": list(r.items)} for r in reasons]


async def open_draft(session: AsyncSession, user_id: int, programme_id: int,
                     fresh: bool = False) -> MatchDraft:
    """The curator's draft for the programme; computed with the engine when there is none or
    when `fresh` asks to recompute."""
    programme = await access.require_curator(session, user_id, programme_id)
    await states.require(session, programme, states.Activity.MATCH)
    draft = await session.scalar(select(MatchDraft).where(
        MatchDraft.programme_id == programme.id, MatchDraft.curator_user_id == user_id))
    if draft is not None and not fresh:
        return draft
    cohort = await build_cohort(session, programme.id)
    prefs = await preferences(session, cohort)
    from bot.services.matching import propose  # numpy and scipy: loaded on first use

    proposal = propose(cohort.mentors, cohort.mentees, weights_of(programme),
                       prefs.by_mentee, prefs.by_mentor)
    pairs = [[p.mentor_id, p.mentee_id, False] for p in proposal.pairs]
    unmatched = {str(u.mentee_id): u.reason for u in proposal.unmatched}
    if draft is None:
        draft = MatchDraft(programme_id=programme.id, curator_user_id=user_id)
        session.add(draft)
    draft.pairs, draft.unmatched, draft.created_at = pairs, unmatched, utcnow()
    await session.flush()
    return draft


async def require_draft(session: AsyncSession, user_id: int | None, draft_id: int) -> MatchDraft:
    draft = await session.get(MatchDraft, draft_id)
    if draft is None:
        # Approved (a draft is deleted with its approval), recomputed or forged: nothing is
        # said about whose it was.
        raise DraftGone()
    if draft.curator_user_id != user_id:
        raise AccessDenied()
    await access.require_curator(session, user_id, draft.programme_id)
    return draft


async def view(session: AsyncSession, draft: MatchDraft) -> DraftView:
    ctx = await _context(session, draft)
    lines = []
    for mentor_id, mentee_id, manual in ctx.pairs():
        mentor, mentee = ctx.mentor_with_room(mentor_id, mentee_id), ctx.cohort.mentee(mentee_id)
        if mentor is None or mentee is None:
            lines.append(DraftPair(mentor_id, mentee_id, ctx.name(mentor_id), ctx.name(mentee_id),
                                   0, [], manual, False, "not_ready"))
            continue
        scored = soft_score(mentor, mentee, ctx.weights, ctx.prefs)
        lines.append(DraftPair(mentor_id, mentee_id, ctx.name(mentor_id), ctx.name(mentee_id),
                               shown_score(scored.score), scored.reasons, manual,
                               mentee_id in ctx.cohort.any_audience,
                               hard_rule_failure(mentor, mentee)))
    paired = {b for _, b, _ in ctx.pairs()}
    unmatched = [DraftUnmatched(e.id, ctx.name(e.id), draft.unmatched.get(str(e.id), DROPPED))
                 for e in ctx.cohort.mentees if e.id not in paired and e.ready]
    not_ready = sum(1 for e in ctx.cohort.mentees if not e.ready)
    return DraftView(draft.id, ctx.programme.id, ctx.programme.title, lines, unmatched, not_ready)


def _save(draft: MatchDraft, pairs: list[tuple[int, int, bool]], unmatched: dict[str, str]) -> None:
    # New lists, so the JSON columns are seen as changed.
    draft.pairs = [[a, b, m] for a, b, m in pairs]
    draft.unmatched = dict(unmatched)


def _require_in_draft(ctx: Context, mentee_id: int) -> None:
    if all(b != mentee_id for _, b, _ in ctx.pairs()):
        raise AccessDenied()


async def drop_pair(session: AsyncSession, draft: MatchDraft, mentee_id: int) -> None:
    ctx = await _context(session, draft)
    _require_in_draft(ctx, mentee_id)
    unmatched = dict(draft.unmatched)
    unmatched[str(mentee_id)] = DROPPED
    _save(draft, [p for p in ctx.pairs() if p[1] != mentee_id], unmatched)


async def swap_candidates(session: AsyncSession, draft: MatchDraft, mentee_id: int
                          ) -> tuple[str, list[Candidate]]:
    """Mentors who could take this mentee instead, best first (the current one left out)."""
    ctx = await _context(session, draft)
    _require_in_draft(ctx, mentee_id)
    mentee = ctx.cohort.mentee(mentee_id)
    current = next(a for a, b, _ in ctx.pairs() if b == mentee_id)
    if mentee is None:
        return ctx.name(mentee_id), []
    mentors = [ctx.room_of(m, mentee_id) for m in ctx.cohort.mentors if m.id != current]
    ranked = rank_mentors_for(mentee, mentors, ctx.weights, ctx.prefs.by_mentee,
                              ctx.prefs.by_mentor)
    return ctx.name(mentee_id), [Candidate(r.mentor_id, ctx.name(r.mentor_id),
                                           shown_score(r.score)) for r in ranked]


async def swap(session: AsyncSession, draft: MatchDraft, mentee_id: int, mentor_id: int) -> None:
    ctx = await _context(session, draft)
    _require_in_draft(ctx, mentee_id)
    mentee, mentor = ctx.cohort.mentee(mentee_id), ctx.mentor_with_room(mentor_id, mentee_id)
    if mentee is None or mentor is None:
        raise AccessDenied()
    failure = hard_rule_failure(mentor, mentee)
    if failure is not None:
        raise DomainError(f"match.refused.{failure}")
    _save(draft, [(mentor_id if b == mentee_id else a, b, m or b == mentee_id)
                  for a, b, m in ctx.pairs()], draft.unmatched)


async def manual_mentees(session: AsyncSession, draft: MatchDraft) -> list[tuple[int, str]]:
    """Ready mentees not in the draft: who can be paired by hand."""
    shown = await view(session, draft)
    return [(u.mentee_id, u.name) for u in shown.unmatched]


async def manual_mentors(session: AsyncSession, draft: MatchDraft, mentee_id: int
                         ) -> tuple[str, list[Candidate]]:
    """Every available mentor of the mentee's form, best first; the rules are checked on pick."""
    ctx = await _context(session, draft)
    mentee = ctx.cohort.mentee(mentee_id)
    if mentee is None or any(b == mentee_id for _, b, _ in ctx.pairs()):
        raise AccessDenied()
    scored = sorted(((soft_score(m, mentee, ctx.weights, ctx.prefs).score, m.id)
                     for m in ctx.cohort.mentors if m.form == mentee.form and m.ready),
                    key=lambda found: (-found[0], found[1]))
    return ctx.name(mentee_id), [Candidate(mentor_id, ctx.name(mentor_id), shown_score(score))
                                 for score, mentor_id in scored]


async def check_manual(session: AsyncSession, draft: MatchDraft, mentee_id: int,
                       mentor_id: int) -> tuple[ManualPairCheck, str, str]:
    ctx = await _context(session, draft)
    mentee, mentor = ctx.cohort.mentee(mentee_id), ctx.mentor_with_room(mentor_id)
    if mentee is None or mentor is None or any(b == mentee_id for _, b, _ in ctx.pairs()):
        raise AccessDenied()
    return (check_manual_pair(mentor, mentee, ctx.weights, ctx.prefs.by_mentee,
                              ctx.prefs.by_mentor), ctx.name(mentor_id), ctx.name(mentee_id))


async def add_manual(session: AsyncSession, draft: MatchDraft, mentee_id: int, mentor_id: int
                     ) -> None:
    check, _, _ = await check_manual(session, draft, mentee_id, mentor_id)
    if check.failure is not None:
        raise DomainError(f"match.refused.{check.failure}")
    pairs = await _context(session, draft)
    unmatched = dict(draft.unmatched)
    unmatched.pop(str(mentee_id), None)
    _save(draft, [*pairs.pairs(), (mentor_id, mentee_id, True)], unmatched)


async def discard(session: AsyncSession, draft: MatchDraft) -> None:
    await session.delete(draft)


class StaleDraft(DomainError):
    key = "match.stale"


class DraftGone(DomainError):
    """A press on a draft that is no more: its pairs were approved (a second tap of «Да»),
    or it was recomputed."""

    key = "match.gone"


@dataclass(frozen=True)
class ApprovalSummary:
    """What approving the draft will do, for the confirmation: pairs and people introduced."""

    pairs: int
    people: int
    programme_title: str
    programme_state: str


async def approval_summary(session: AsyncSession, draft: MatchDraft) -> ApprovalSummary:
    ctx = await _context(session, draft)
    await states.require(session, ctx.programme, states.Activity.MATCH)
    people = {i for mentor_id, mentee_id, _ in ctx.pairs() for i in (mentor_id, mentee_id)}
    return ApprovalSummary(len(ctx.pairs()), len(people), ctx.programme.title,
                           ctx.programme.state)


async def confirm(session: AsyncSession, draft: MatchDraft, now: datetime | None = None) -> list[Pair]:
    """Create the draft's pairs after checking each against the database as it is now."""
    ctx = await _context(session, draft)
    await states.require(session, ctx.programme, states.Activity.MATCH)
    if not ctx.pairs():
        raise DomainError("match.empty")
    taken: dict[int, int] = defaultdict(int)
    stale: list[str] = []
    checked: list[tuple[MentorProfile, MenteeProfile]] = []
    for mentor_id, mentee_id, _ in ctx.pairs():
        found, mentee = ctx.cohort.mentor(mentor_id), ctx.cohort.mentee(mentee_id)
        if found is None or mentee is None:
            stale.append(f"{ctx.name(mentor_id)} ↔ {ctx.name(mentee_id)}")
            continue
        mentor = replace(found, capacity=found.capacity - taken[mentor_id])
        if hard_rule_failure(mentor, mentee) is not None:
            stale.append(f"{ctx.name(mentor_id)} ↔ {ctx.name(mentee_id)}")
            continue
        taken[mentor_id] += 1
        checked.append((found, mentee))
    if stale:
        raise StaleDraft(pairs="; ".join(stale[:5]))

    ids = {i for a, b, _ in ctx.pairs() for i in (a, b)}
    participations = {p.id: p for p in (await session.scalars(
        select(Participation).where(Participation.id.in_(ids)))).all()}
    created: list[Pair] = []
    for mentor, mentee in checked:
        mentor_id, mentee_id = mentor.id, mentee.id
        scored = soft_score(mentor, mentee, ctx.weights, ctx.prefs)
        pair = Pair(programme_id=ctx.programme.id, mentor_id=mentor_id, mentee_id=mentee_id,
                    form=mentee.form, state=PairState.ACTIVE, stage="intro",
                    score=shown_score(scored.score), reasons=_reason_json(scored.reasons))
        session.add(pair)
        created.append(pair)
        participations[mentor_id].state = ParticipationState.PAIRED
        participations[mentee_id].state = ParticipationState.PAIRED
    await session.flush()
    await _introduce(session, ctx, created, now or utcnow())
    # The entry self-assessment, while the pair is new (docs/lifecycle.md).
    await lifecycle.entry(session, created, now or utcnow())
    await session.delete(draft)
    return created


async def _introduce(session: AsyncSession, ctx: Context, created: list[Pair],
                     now: datetime) -> None:
    """Introductions through the outbox. Only names are shared, never usernames or phones:
    the consent covers processing by the programme, so people write to each other via the bot
    or meet at the intro meeting the curator arranges."""
    mentor_ids = {p.mentor_id for p in created}
    # A mentor's group: every active pair they have now, old and new.
    groups: dict[int, list[int]] = defaultdict(list)
    for mentor_id, mentee_id in (await session.execute(
            select(Pair.mentor_id, Pair.mentee_id).where(
                Pair.mentor_id.in_(mentor_ids), Pair.state == PairState.ACTIVE)
            .order_by(Pair.id))).all():
        groups[mentor_id].append(mentee_id)
    names = {p.id: p.full_name for p in (await session.scalars(select(Participation).where(
        Participation.id.in_({i for ids in groups.values() for i in ids})))).all()}
    people = ctx.cohort.people
    user_ids = {people[i].user_id for p in created for i in (p.mentor_id, p.mentee_id)
                if people[i].user_id is not None}
    users = {u.id: u for u in (await session.scalars(
        select(User).where(User.id.in_(user_ids)))).all()}

    # The introduction sets the reply keyboard of a paired person (both roles' buttons: a
    # mentor sees «📝 Отметить встречу» at once, without /start).
    keyboards = await keyboards_of(session, {i for i in user_ids if i is not None})

    def recipient(participation_id: int) -> User | None:
        user_id = people[participation_id].user_id
        return users.get(user_id) if user_id is not None else None

    for pair in created:
        user = recipient(pair.mentee_id)
        if user is None:
            continue
        await outbox.enqueue(
            session, chat_id=user.telegram_id, user_id=user.id, kind="announcement", due_at=now,
            dedupe_key=f"pair:{pair.id}:intro:mentee", text_key="match.intro.mentee",
            params={"mentor": ctx.name(pair.mentor_id), "form": form_param(pair.form),
                    "programme": ctx.programme.title}, now=now,
            keyboard=keyboards.get(user.id), about=outbox.about([pair.mentor_id]))
    for mentor_id in sorted(mentor_ids):
        user = recipient(mentor_id)
        if user is None:
            continue
        first = min(p.id for p in created if p.mentor_id == mentor_id)
        form = next(p.form for p in created if p.mentor_id == mentor_id)
        mentees = [names.get(i) or f"#{i}" for i in groups[mentor_id]]
        await outbox.enqueue(
            session, chat_id=user.telegram_id, user_id=user.id, kind="announcement", due_at=now,
            dedupe_key=f"pair:{first}:intro:mentor", text_key="match.intro.mentor",
            count=len(mentees),
            params={"mentees": "\n".join(f"• {n}" for n in mentees),
                    "form": form_param(form), "programme": ctx.programme.title}, now=now,
            keyboard=keyboards.get(user.id), about=outbox.about(groups[mentor_id]))
