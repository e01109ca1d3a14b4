"""The curator's side of a programme: parsing what they type, the programme card, state
changes, links, the community link and the registry (cards and export rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import typed
from bot.services.errors import AccessDenied, DomainError
from bot.services.people import invitations, participants
from bot.services.people.invitations import InvitationView
from bot.services.programmes import programmes
from bot.services.programmes.programmes import MAX_TITLE
from bot.services.surveys import Texts, load_definitions, summarise
from bot.services.surveys import store as survey_store
from models import (
    Invitation,
    Organisation,
    Participation,
    ParticipationState,
    Programme,
    SurveyResponse,
)
from models.base import utcnow

CADENCES = (7, 14, 21, 30)
DEFAULT_CADENCE = 14
LINK_LIFETIMES = (7, 30, 0)  # days; 0: no expiry
LINK_USES = (0, 1, 30)  # 0: unlimited
PARTICIPANT_ROLES = ("mentor", "mentee")
REGISTRY_STATES = (
    ParticipationState.GUARDIAN_PENDING,
    ParticipationState.QUESTIONNAIRE,
    ParticipationState.READY,
    ParticipationState.PAIRED,
    ParticipationState.WITHDRAWN,
)
PAGE_SIZE = 10
CURATOR_LINK_LIFETIME = timedelta(days=7)
CURATOR_LINK_USES = 3
MAX_URL = 1000
# Allowed state changes of a programme: preparing → running → completed.
TRANSITIONS = {"preparing": "running", "running": "completed"}


def clean_title(text: str | None) -> str:
    title = " ".join((text or "").split())
    if not title or len(title) > MAX_TITLE:
        raise DomainError("cur.error.title", max=MAX_TITLE)
    return title


def parse_date(text: str | None) -> date:
    """dd.mm.yyyy (also d.m.yyyy); anything else, or a day that does not exist, is refused
    (bot.services.typed.parse_date)."""
    return typed.parse_date(text, "cur.error.date")


def check_period(starts_on: date, ends_on: date) -> None:
    if ends_on <= starts_on:
        raise DomainError("cur.error.period")


def parse_link(text: str | None) -> str:
    """An http(s) URL with a host, at most MAX_URL characters."""
    url = (text or "").strip()
    parts = urlsplit(url)
    if (len(url) > MAX_URL or parts.scheme not in ("http", "https") or not parts.hostname
            or "." not in parts.hostname or any(ch.isspace() for ch in url)):
        raise DomainError("cur.error.link")
    return url


def parse_material_link(text: str | None) -> tuple[str, str]:
    """`https://… Title` → (url, title); the title defaults to the url."""
    url, _, title = (text or "").strip().partition(" ")
    url = parse_link(url)
    title = " ".join(title.split())[:MAX_TITLE] or url[:MAX_TITLE]
    return url, title


async def create_curator_link(session: AsyncSession, organisation_id: int) -> InvitationView:
    return await invitations.create(session, role="curator", organisation_id=organisation_id,
                                    expires_in=CURATOR_LINK_LIFETIME, max_uses=CURATOR_LINK_USES)


async def all_organisations(session: AsyncSession) -> list[Organisation]:
    return list((await session.scalars(select(Organisation).order_by(Organisation.id))).all())


@dataclass(frozen=True)
class ProgrammeSummary:
    card: programmes.ProgrammeCard
    community_link: str | None
    counts: dict[str, int]  # role → participants not withdrawn
    pending_guardian: int
    next_state: str | None


async def summary(session: AsyncSession, programme_id: int) -> ProgrammeSummary:
    card = await programmes.card(session, programme_id)
    programme = await session.get_one(Programme, programme_id)
    by_state = await participants.counts_by_state(session, programme_id)
    counts = {role: sum(n for (r, s), n in by_state.items()
                        if r == role and s != ParticipationState.WITHDRAWN)
              for role in PARTICIPANT_ROLES}
    pending = sum(n for (_, s), n in by_state.items() if s == ParticipationState.GUARDIAN_PENDING)
    return ProgrammeSummary(card, programme.community_link, counts, pending,
                            TRANSITIONS.get(programme.state))


async def advance_state(session: AsyncSession, programme: Programme, target: str,
                        now: datetime | None = None) -> None:
    """preparing → running → completed, one step at a time. A second press of the same
    button (a double tap, a stale card) is told the state already is what it asks for."""
    if programme.state == target:
        raise DomainError(f"cur.error.already_{target}", title=programme.title)
    if TRANSITIONS.get(programme.state) != target:
        raise DomainError("cur.error.transition")
    await programmes.set_state(session, programme, target, now)


def check_can_complete(programme: Programme) -> None:
    """Before asking to confirm the completion: the same refusals as advance_state."""
    if programme.state == "completed":
        raise DomainError("cur.error.already_completed", title=programme.title)
    if TRANSITIONS.get(programme.state) != "completed":
        raise DomainError("cur.error.transition")


async def set_community_link(session: AsyncSession, programme: Programme, text: str | None) -> str:
    programme.community_link = parse_link(text)
    return programme.community_link


async def bind_chat(session: AsyncSession, programme: Programme, chat_id: int,
                    now: datetime | None = None) -> None:
    """The group becomes the curators' chat. Its first weekly digest comes at the next chosen
    moment from now: a moment of this week already past is not sent minutes after binding."""
    programme.curator_chat_id = chat_id
    programme.digest_since = now or utcnow()


async def programme_link(session: AsyncSession, programme: Programme, role: str
                         ) -> InvitationView:
    """The newest usable link of this role, or a new one without limits."""
    if role not in PARTICIPANT_ROLES:
        raise AccessDenied()
    found = await invitations.active_for(session, programme.id, role)
    return found or await invitations.create(
        session, organisation_id=programme.organisation_id, programme_id=programme.id, role=role)


async def new_programme_link(session: AsyncSession, programme: Programme, role: str,
                             lifetime_days: int, max_uses: int,
                             now: datetime | None = None) -> InvitationView:
    if role not in PARTICIPANT_ROLES or lifetime_days not in LINK_LIFETIMES \
            or max_uses not in LINK_USES:
        raise AccessDenied()
    return await invitations.create(
        session, organisation_id=programme.organisation_id, programme_id=programme.id, role=role,
        expires_in=timedelta(days=lifetime_days) if lifetime_days else None,
        max_uses=max_uses or None, now=now)


def check_revocable(invitation: Invitation) -> None:
    if invitation.revoked_at is not None:
        raise DomainError("cur.link.already_revoked")


async def revoke_link(session: AsyncSession, invitation: Invitation) -> None:
    """Irreversible: the handler asks first; a second press is told it is done already."""
    check_revocable(invitation)
    await invitations.revoke(session, invitation.id)


@dataclass(frozen=True)
class ParticipantCard:
    id: int
    programme_id: int
    full_name: str | None
    role: str
    form: str | None
    age_group: str
    state: str
    created_at: datetime
    consent_at: datetime | None
    ready_at: datetime | None
    answers: list[tuple[str, str]]


async def participant_card(session: AsyncSession, participation: Participation,
                           texts: Texts) -> ParticipantCard:
    answers: list[tuple[str, str]] = []
    response = await session.scalar(
        select(SurveyResponse).where(SurveyResponse.participation_id == participation.id,
                                     SurveyResponse.context == "profile")
        .order_by(SurveyResponse.id.desc()).limit(1))
    if response is not None and participation.state != ParticipationState.WITHDRAWN:
        survey = load_definitions().get(response.survey_id)
        answers = summarise(survey, await survey_store.answers(session, response.id), texts)
    return ParticipantCard(participation.id, participation.programme_id, participation.full_name,
                           participation.role, participation.form, participation.age_group,
                           participation.state, participation.created_at,
                           participation.consent_at, participation.ready_at, answers)


@dataclass(frozen=True)
class ExportRow:
    number: int
    full_name: str | None
    role: str
    form: str | None
    age_group: str
    state: str
    created_on: date
    consent_on: date | None
    ready_on: date | None
    profile_complete: bool


def _local_date(moment: datetime | None, zone: ZoneInfo) -> date | None:
    return moment.astimezone(zone).date() if moment else None


async def export_rows(session: AsyncSession, programme_id: int) -> list[ExportRow]:
    """Every participation of the programme, for the personified registry."""
    programme = await session.get_one(Programme, programme_id)
    organisation = await session.get_one(Organisation, programme.organisation_id)
    zone = ZoneInfo(organisation.timezone)
    completed = (select(SurveyResponse.participation_id)
                 .where(SurveyResponse.context == "profile",
                        SurveyResponse.completed_at.is_not(None)).scalar_subquery())
    rows = await session.execute(
        select(Participation, Participation.id.in_(completed))
        .where(Participation.programme_id == programme_id)
        .order_by(Participation.role, Participation.id))
    return [ExportRow(n, p.full_name, p.role, p.form, p.age_group, p.state,
                      p.created_at.astimezone(zone).date(), _local_date(p.consent_at, zone),
                      _local_date(p.ready_at, zone), bool(done))
            for n, (p, done) in enumerate(rows, start=1)]


async def participant_total(session: AsyncSession, programme_id: int) -> int:
    return int(await session.scalar(select(func.count()).select_from(Participation)
                                    .where(Participation.programme_id == programme_id)) or 0)


def now() -> datetime:
    return utcnow()
