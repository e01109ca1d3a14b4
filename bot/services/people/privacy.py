"""152-ФЗ: what the bot holds about a person (/mydata) and erasing it (/forget)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.runtime.shred import shred_after_commit
from bot.services.notices import notify, outbox
from bot.services.people.erasure import erase_traces
from bot.services.surveys import load_definitions, summarise
from models import (
    ConsentRecord,
    ConsentText,
    Curator,
    OutboxMessage,
    Participation,
    ParticipationState,
    Programme,
    SurveyAnswer,
    SurveyResponse,
    User,
)
from models.base import utcnow


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def export_user_data(session: AsyncSession, user: User, locale: str) -> dict:
    registry = load_definitions()
    data: dict = {
        "telegram_id": user.telegram_id,
        "language": user.locale,
        "timezone": user.timezone,
        "first_contact": _iso(user.created_at),
        "participations": [],
        "curator_of": [],
    }
    participations = (await session.scalars(select(Participation).where(
        (Participation.user_id == user.id) | (Participation.guardian_user_id == user.id)))).all()
    for participation in participations:
        programme = await session.get(Programme, participation.programme_id)
        item: dict = {
            "programme": programme.title if programme else None,
            "role": participation.role if participation.user_id == user.id else "guardian",
            "state": participation.state,
            "form": participation.form,
            "age_group": participation.age_group,
            "full_name": participation.full_name if participation.user_id == user.id else None,
            "joined": _iso(participation.created_at),
            "consents": [],
            "questionnaires": [],
        }
        consents = await session.execute(
            select(ConsentRecord, ConsentText.version)
            .join(ConsentText, ConsentRecord.consent_text_id == ConsentText.id)
            .where(ConsentRecord.participation_id == participation.id))
        item["consents"] = [{"decision": c.decision, "subject": c.subject, "text_version": v,
                             "at": _iso(c.decided_at), "method": c.method} for c, v in consents]
        if participation.user_id == user.id:
            responses = (await session.scalars(select(SurveyResponse).where(
                SurveyResponse.participation_id == participation.id))).all()
            for response in responses:
                answers = dict((await session.execute(
                    select(SurveyAnswer.question_id, SurveyAnswer.value)
                    .where(SurveyAnswer.response_id == response.id))).all())
                survey = registry.get(response.survey_id) if response.survey_id in registry else None
                readable = summarise(survey, answers, locale) if survey else list(answers.items())
                item["questionnaires"].append({
                    "survey": response.survey_id, "context": response.context,
                    "completed": _iso(response.completed_at),
                    "answers": [{"question": q, "answer": a} for q, a in readable]})
        data["participations"].append(item)
    curators = (await session.scalars(select(Curator).where(Curator.user_id == user.id))).all()
    data["curator_of"] = [{"organisation_id": c.organisation_id, "full_name": c.full_name}
                          for c in curators]
    # A curator's own questionnaires (the programme's conditions) have no participation.
    data["curator_questionnaires"] = []
    for response in (await session.scalars(select(SurveyResponse).where(
            SurveyResponse.user_id == user.id, SurveyResponse.participation_id.is_(None)))).all():
        programme = await session.get(Programme, response.programme_id or 0)
        answers = dict((await session.execute(
            select(SurveyAnswer.question_id, SurveyAnswer.value)
            .where(SurveyAnswer.response_id == response.id))).all())
        survey = registry.get(response.survey_id) if response.survey_id in registry else None
        readable = summarise(survey, answers, locale) if survey else list(answers.items())
        data["curator_questionnaires"].append({
            "programme": programme.title if programme else None, "survey": response.survey_id,
            "completed": _iso(response.completed_at),
            "answers": [{"question": q, "answer": a} for q, a in readable]})
    return data


@dataclass
class ForgetResult:
    programme_ids: list[int] = field(default_factory=list)
    participations: int = 0
    child_user_ids: list[int] = field(default_factory=list)


async def forget_user(session: AsyncSession, user: User) -> ForgetResult:
    """Erase the person's personal data. Participations stay as anonymous rows (role, form, age
    group, dates) so the programme's numbers still add up; answers, names and the account go,
    and so does every copy of them elsewhere (bot/services/people/erasure.py). On SQLite the file
    keeps nothing either: deleted content is overwritten (secure_delete) and the write-ahead
    log is emptied once the erasure is committed."""
    now = utcnow()
    result = ForgetResult()
    # A guardian's withdrawal removes the basis of the child's participation too.
    participations = (await session.scalars(select(Participation).where(
        (Participation.user_id == user.id) | (Participation.guardian_user_id == user.id)))).all()
    participations_roles = [(p.id, p.programme_id, p.role) for p in participations]
    for participation in participations:
        result.programme_ids.append(participation.programme_id)
        if participation.user_id not in (None, user.id):
            result.child_user_ids.append(participation.user_id)
        result.participations += 1
        await session.execute(delete(SurveyResponse).where(
            SurveyResponse.participation_id == participation.id))
        consent_text_id = await session.scalar(
            select(ConsentRecord.consent_text_id)
            .where(ConsentRecord.participation_id == participation.id)
            .order_by(ConsentRecord.id.desc()).limit(1))
        if consent_text_id is not None:
            subject = "self" if participation.user_id == user.id else "guardian"
            session.add(ConsentRecord(participation_id=participation.id,
                                      consent_text_id=consent_text_id, subject=subject,
                                      decided_by_user_id=None, decision="withdrawn", decided_at=now))
        participation.full_name = None
        participation.user_id = None
        participation.guardian_user_id = None
        participation.state = ParticipationState.WITHDRAWN
        participation.withdrawn_at = now
    curator_ids = list((await session.scalars(select(Curator.id).where(
        Curator.user_id == user.id))).all())
    await erase_traces(session, user_id=user.id,
                       participation_ids=[pid for pid, _, _ in participations_roles],
                       curator_ids=curator_ids)
    await session.execute(update(ConsentRecord).where(ConsentRecord.decided_by_user_id == user.id)
                          .values(decided_by_user_id=None))
    # Messages to the person, pending or sent, name their chat: none of them may remain.
    await session.execute(delete(OutboxMessage).where(
        (OutboxMessage.user_id == user.id) | (OutboxMessage.chat_id == user.telegram_id)))
    await _tell_others(session, result, participations_roles, now)
    await session.execute(update(Curator).where(Curator.user_id == user.id)
                          .values(user_id=None, full_name=None))
    # A curator's own answers (the conditions questionnaire) go with the person.
    await session.execute(delete(SurveyResponse).where(SurveyResponse.user_id == user.id))
    await session.delete(user)
    await session.flush()
    shred_after_commit(session)
    return result


async def _tell_others(session: AsyncSession, result: ForgetResult,
                       participations: list[tuple[int, int, str]], now: datetime) -> None:
    """The curator learns that a participant left (no name: it is erased); a child learns that
    the parent withdrew the consent their participation rested on."""
    for participation_id, programme_id, role in participations:
        await notify.notify_curators(
            session, programme_id, kind="withdrawal", text_key="curator.notice.withdrawn",
            params={"role": {"$t": f"role.{role}"}},
            dedupe_key=f"participation:{participation_id}:withdrawn", now=now,
            about=outbox.NOBODY)  # the role only: the name is gone
    for child_id in result.child_user_ids:
        child = await session.get(User, child_id)
        if child is not None:
            await notify.notify_user(session, child, kind="withdrawal",
                                     text_key="onboarding.guardian_withdrew",
                                     dedupe_key=f"user:{child_id}:guardian_withdrew:{now.date()}",
                                     now=now, about=outbox.NOBODY)
