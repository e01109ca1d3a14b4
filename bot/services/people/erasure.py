"""What /forget erases beyond a person's own rows (bot/services/people/privacy.py): every place where
other rows hold their name, their answers or text they typed.

- the outbox: messages to others that name or quote them, pending or sent (by the subjects
  each message declares when it is queued: bot/services/notices/outbox.py `About`);
- their pairs: the match reasons (drawn from their answers), the plan the pair wrote, the
  notes and places of the pair's meetings, a curator's reason for ending the pair;
- the roadmap: their «done» comment and extension reason, their link as a responsible person,
  their name among the candidates of a curator's unsaved import;
- their match preferences (whom they chose and who chose them).

Counts and dates stay (a pair existed, a meeting took place), without the person."""

from __future__ import annotations

import copy
from collections.abc import Collection

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.notices import outbox
from models import (
    MatchPreference,
    Meeting,
    MeetingPair,
    Pair,
    PlanGoal,
    RoadmapDraft,
    RoadmapItem,
    RoadmapResponsible,
)


async def erase_traces(session: AsyncSession, *, user_id: int,
                       participation_ids: Collection[int], curator_ids: Collection[int]) -> None:
    participations = sorted(participation_ids)
    curators = sorted(curator_ids)
    await outbox.erase_about(session, outbox.about(participations, [user_id]))
    if participations:
        await _pairs(session, participations)
        await session.execute(delete(MatchPreference).where(
            or_(MatchPreference.chooser_id.in_(participations),
                MatchPreference.chosen_id.in_(participations))))
        await session.execute(update(RoadmapResponsible)
                              .where(RoadmapResponsible.participation_id.in_(participations))
                              .values(participation_id=None))
    if curators:
        await session.execute(update(RoadmapResponsible)
                              .where(RoadmapResponsible.curator_id.in_(curators))
                              .values(curator_id=None))
    await session.execute(update(RoadmapItem).where(RoadmapItem.done_by_user_id == user_id)
                          .values(done_comment=None, done_by_user_id=None))
    await session.execute(update(RoadmapItem).where(RoadmapItem.extension_by_user_id == user_id)
                          .values(extension_reason=None, extension_by_user_id=None,
                                  extension_requested_at=None, extension_new_date=None))
    await _roadmap_drafts(session, set(participations), set(curators))


async def _pairs(session: AsyncSession, participations: list[int]) -> None:
    pair_ids = select(Pair.id).where(or_(Pair.mentor_id.in_(participations),
                                         Pair.mentee_id.in_(participations)))
    await session.execute(update(Pair).where(Pair.id.in_(pair_ids))
                          .values(reasons=[], end_reason=None)
                          .execution_options(synchronize_session=False))
    await session.execute(delete(PlanGoal).where(PlanGoal.pair_id.in_(pair_ids)))
    meetings = select(MeetingPair.meeting_id).where(MeetingPair.pair_id.in_(pair_ids))
    await session.execute(update(Meeting).where(or_(Meeting.id.in_(meetings),
                                                    Meeting.mentor_id.in_(participations)))
                          .values(note=None, place=None)
                          .execution_options(synchronize_session=False))


async def _roadmap_drafts(session: AsyncSession, participations: set[int],
                          curators: set[int]) -> None:
    """An unsaved roadmap import lists people by name as candidates for a responsible: the
    person leaves those lists (a choice of them becomes «not chosen»)."""
    gone = {("participation", i) for i in participations} | {("curator", i) for i in curators}
    if not gone:
        return
    for draft in (await session.scalars(select(RoadmapDraft))).all():
        payload = copy.deepcopy(draft.payload)
        changed = False
        for entry in payload.get("people", []):
            candidates = entry.get("candidates", [])
            kept = [c for c in candidates if (c[0], c[1]) not in gone]
            if len(kept) == len(candidates):
                continue
            changed = True
            choice = entry.get("choice")
            chosen = candidates[choice] if choice is not None else None
            entry["candidates"] = kept
            entry["choice"] = kept.index(chosen) if chosen in kept else None
        if changed:
            draft.payload = payload  # a new object: the JSON column notices reassignment
