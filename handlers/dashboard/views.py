"""The dashboard's JSON: each view asks the services the chat commands ask (the same figures
as /status and /report), checks the caller as the chat does, and labels values in the caller's
language. Names and labels are plain text: the page inserts them as text, never as HTML."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.i18n import Translator
from bot.services import lookup
from bot.services.dashboard import board as board_service
from bot.services.dashboard import calendar as calendar_service
from bot.services.dashboard import registry as registry_service
from bot.services.errors import AccessDenied
from bot.services.matching import shown_score
from bot.services.meetings import cadence
from bot.services.notices import digest
from bot.services.pairs import pairs, progress
from bot.services.people import access
from bot.services.programmes.forms import form_title
from bot.services.reports import programme_stats
from bot.services.reports.programme_stats import PAIR_STATES, ROLES, STATES
from bot.services.roadmap import items as roadmap_items
from bot.services.surveys import completion
from handlers.dashboard.caller import Caller
from handlers.shared.participant_name import participant_name
from models import PAIR_STAGES, MeetingState, Programme

MAX_SEARCH = 100
MEETING_STATES = (MeetingState.PROPOSED, MeetingState.CONFIRMED, MeetingState.DONE,
                  MeetingState.CANCELLED, MeetingState.MISSED)
MEETING_KINDS = ("intro", "trial", "planning", "regular", "final")
ROADMAP_BUCKETS = ("overdue", "upcoming", "undated", "done")
TEXT_PREFIX = "dash."


class BadQuery(Exception):
    """A query parameter out of its range; the message names the parameter."""


def page_texts(translator: Translator, locale: str) -> dict[str, object]:
    """The page's own texts (dashboard.po) and the labels it shows, in one language."""
    catalogue = translator.catalogues[locale].messages
    texts = {key: translator.plain(key, locale)
             for key in catalogue if key.startswith(TEXT_PREFIX)
             and isinstance(catalogue[key], str)}
    plain = translator.bind(locale).as_plain()
    return {"locale": locale, "texts": texts, "labels": {
        "role": {role: plain(f"role.{role}") for role in ROLES},
        "state": {state: plain(f"state.{state}") for state in STATES},
        "pair_state": {state: plain(f"pair.state.{state}") for state in PAIR_STATES},
        "stage": {stage: plain(f"pair.stage.{stage}") for stage in PAIR_STAGES},
        "kind": {kind: plain(f"meetings.kind.{kind}") for kind in MEETING_KINDS},
        "meeting_state": {state: plain(f"dash.meeting_state.{state}")
                          for state in MEETING_STATES},
        "bucket": {bucket: plain(f"dash.rm.bucket.{bucket}") for bucket in ROADMAP_BUCKETS},
        "survey": {kind: plain(f"completion.survey.{kind}") for kind in completion.CONTEXTS},
        "weekday": [plain(f"digest.short_day.{day}") for day in range(7)],
    }}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _share(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def _score(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


async def _programme(request: web.Request, caller: Caller) -> tuple[Programme, str]:
    """The programme of the path, if the caller curates it (as every chat command checks),
    and its organisation's timezone."""
    programme = await access.require_curator(caller.session, caller.user.id,
                                             int(request.match_info["programme_id"]))
    organisation = await lookup.organisation(caller.session, programme.organisation_id)
    return programme, organisation.timezone if organisation else "UTC"


async def session(request: web.Request, caller: Caller) -> object:
    """Who is here, in which language, and the programmes they curate."""
    programmes = await access.curated_programmes(caller.session, caller.user.id)
    if not programmes:
        raise AccessDenied()
    return {"programmes": [{"id": p.id, "title": p.title,
                            "state": caller.t(f"cur.state.{p.state}")} for p in programmes],
            **page_texts(caller.t.translator, caller.t.locale)}


async def overview(request: web.Request, caller: Caller) -> object:
    """The figures of /status."""
    programme, _ = await _programme(request, caller)
    f = await programme_stats.programme_figures(caller.session, programme.id, caller.now)
    return {
        "title": f.title, "state": caller.t(f"cur.state.{f.state}"), "today": _day(f.today),
        "participants": f.participants,
        "active": {role: f.active(role) for role in ROLES},
        "paired": f.paired_total, "paired_share": _share(f.paired_share),
        "pairs_by_state": f.pairs_by_state, "pairs_by_stage": f.pairs_by_stage,
        "open_pairs": f.open_pairs, "cadence_days": f.cadence_days,
        "cadence_share": _share(f.cadence_share),
        "meetings_this_week": f.meetings_this_week, "meetings_last_week": f.meetings_last_week,
        "feedback_avg": _score(f.feedback_avg), "feedback_avg_prev": _score(f.feedback_avg_prev),
        "trend": f.trend, "feedback_outstanding": f.feedback_outstanding,
        "at_risk": [{"pair_id": p.pair_id, "mentor": p.mentor, "mentee": p.mentee,
                     "days_without": p.days_without} for p in f.at_risk],
        "unreachable": f.unreachable, "failed_deliveries": f.failed_deliveries,
        "roadmap_overdue": len(f.roadmap_overdue),
        "surveys": [{"kind": s.kind, "sent": s.sent, "answered": s.answered,
                     "waiting": s.waiting} for s in f.surveys],
    }


def _choice(request: web.Request, name: str, allowed: tuple[str, ...], default: str = "") -> str:
    value = request.query.get(name, default)
    if value not in allowed:
        raise BadQuery(name)
    return value


async def registry(request: web.Request, caller: Caller) -> object:
    programme, timezone = await _programme(request, caller)
    search = request.query.get("q", "")
    if len(search) > MAX_SEARCH:
        raise BadQuery("q")
    query = registry_service.RegistryQuery(
        search=search, role=_choice(request, "role", ("", *ROLES)),
        state=_choice(request, "state", ("", *STATES)), form=request.query.get("form", "")[:200],
        sort=_choice(request, "sort", registry_service.SORTS, "name"),
        descending=_choice(request, "dir", ("asc", "desc"), "asc") == "desc")
    table = await registry_service.registry_table(caller.session, programme.id, timezone, query)
    t = caller.t
    return {"total": table.total, "matched": table.matched, "shown": len(table.rows),
            "forms": [{"id": form, "title": form_title(form, t)} for form in table.forms],
            "rows": [{"id": row.id, "name": participant_name(t, row.name, row.id, row.nameless),
                      "role": row.role, "state": row.state, "form": row.form,
                      "form_title": form_title(row.form, t) if row.form else None,
                      "age_group": t(f"age_group.{row.age_group}"),
                      "created_on": _day(row.created_on), "profile_complete":
                      row.profile_complete, "unreachable": row.unreachable}
                     for row in table.rows]}


async def board(request: web.Request, caller: Caller) -> object:
    programme, timezone = await _programme(request, caller)
    today = caller.now.astimezone(_zone(timezone)).date()
    found = await board_service.pairs_board(caller.session, programme.id, today)
    return {"total": found.total, "at_risk": found.at_risk, "cadence_days":
            programme.cadence_days or 14, "columns": [
                {"stage": stage, "pairs": [_board_pair(p, caller) for p in column]}
                for stage, column in found.columns.items()]}


def _zone(timezone: str) -> ZoneInfo:
    return ZoneInfo(timezone)


def _board_pair(p: board_service.BoardPair, caller: Caller) -> dict[str, object]:
    return {"id": p.id, "mentor": p.mentor, "mentee": p.mentee, "form": form_title(p.form, caller.t),
            "state": p.state, "stage": p.stage, "meetings": p.meetings,
            "last_meeting_on": _day(p.last_meeting_on), "last_score": _score(p.last_score),
            "goals_done": p.goals_done, "goals_total": p.goals_total,
            "days_without": p.days_without, "at_risk": p.at_risk}


async def calendar(request: web.Request, caller: Caller) -> object:
    programme, timezone = await _programme(request, caller)
    span = _choice(request, "span", calendar_service.SPANS, "week")
    try:
        day = (date.fromisoformat(request.query["date"]) if request.query.get("date")
               else caller.now.astimezone(_zone(timezone)).date())
    except ValueError:
        raise BadQuery("date") from None
    first, last = calendar_service.span_of(day, span)
    found = await calendar_service.meetings_calendar(caller.session, programme.id, timezone,
                                                     first, last)
    return {"span": span, "first": _day(first), "last": _day(last),
            "today": _day(caller.now.astimezone(_zone(timezone)).date()),
            "counts": {"done": found.count(MeetingState.DONE), "planned": found.planned,
                       "cancelled": found.count(MeetingState.CANCELLED),
                       "missed": found.count(MeetingState.MISSED),
                       "total": len(found.meetings)},
            "meetings": [{"id": m.id, "day": _day(m.day), "time": m.starts_at, "kind": m.kind,
                          "state": m.state, "duration": m.duration_minutes,
                          "mentor": m.mentor, "mentees": m.mentees, "pair_ids": m.pair_ids}
                         for m in found.meetings]}


async def monitoring(request: web.Request, caller: Caller) -> object:
    """Survey completion and the feedback chart: the /status and /report figures."""
    programme, _ = await _programme(request, caller)
    f = await programme_stats.programme_figures(caller.session, programme.id, caller.now)
    return {
        "surveys": [{"kind": s.kind, "sent": s.sent, "answered": s.answered,
                     "waiting": s.waiting} for s in f.surveys],
        "feedback_expected": f.feedback_expected, "feedback_completed": f.feedback_completed,
        "feedback_completion": _share(f.feedback_completion),
        "feedback_avg": _score(f.feedback_avg), "trend": f.trend,
        "avg_by_form": [{"form": form_title(form, caller.t) if form else "—",
                         "avg": _score(avg)} for form, avg in sorted(f.avg_by_form.items())],
        "weeks": [{"week_start": _day(p.week_start), "meetings": p.meetings,
                   "avg": _score(p.avg_score)} for p in f.chart_series],
    }


async def roadmap(request: web.Request, caller: Caller) -> object:
    """The roadmap as a timeline; «overdue» is /status's own list (items past their deadline
    and not done)."""
    programme, timezone = await _programme(request, caller)
    today = caller.now.astimezone(_zone(timezone)).date()
    overdue = {i.id for i in await roadmap_items.overdue_items(caller.session, programme.id,
                                                                today)}
    found = await roadmap_items.programme_items(caller.session, programme, today)
    rows = []
    for item in found:
        bucket = "overdue" if item.id in overdue else roadmap_items.bucket_of(item, today)
        if bucket == "overdue" and item.id not in overdue:
            bucket = "upcoming"  # a recurring item between occurrences is not late
        rows.append({"id": item.id, "label": item.label, "deadline": item.deadline_text,
                     "starts_on": _day(item.starts_on), "ends_on": _day(item.ends_on),
                     "next_date": _day(item.next_date), "bucket": bucket,
                     "responsible": item.responsible_text, "done_comment": item.done_comment})
    rows.sort(key=lambda r: (r["next_date"] or r["ends_on"] or "9999", r["id"]))
    return {"today": _day(today), "programme_starts": _day(programme.starts_on),
            "programme_ends": _day(programme.ends_on),
            "counts": {b: sum(r["bucket"] == b for r in rows) for b in ROADMAP_BUCKETS},
            "items": rows}


async def pair(request: web.Request, caller: Caller) -> object:
    """A pair's card (what /pairs shows of it in the chat)."""
    programme, timezone = await _programme(request, caller)
    found = await pairs.require_for_curator(caller.session, caller.user.id,
                                            int(request.match_info["pair_id"]))
    if found.programme_id != programme.id:
        raise AccessDenied()
    view = await pairs.view(caller.session, found.id)
    made = (await progress.progress(caller.session, programme.id, [found.id]))[found.id]
    today = caller.now.astimezone(_zone(timezone)).date()
    risky = {p.pair_id: p for p in await cadence.pairs_at_risk(caller.session, programme.id,
                                                                today)}
    zone = _zone(timezone)
    return {"id": view.id, "mentor": view.mentor_name, "mentee": view.mentee_name,
            "form": form_title(view.form, caller.t), "state": view.state, "stage": view.stage,
            "created_on": _day(view.created_at.astimezone(zone).date()),
            "meetings": made.meetings, "last_meeting_on": _day(made.last_meeting_on),
            "last_score": _score(made.last_score), "goals_done": made.goals_done,
            "goals_total": made.goals_total, "match_score": (shown_score(view.score)
                                                            if view.score is not None else None),
            "at_risk": view.id in risky,
            "days_without": risky[view.id].days_without if view.id in risky else None,
            "can_nudge": view.state == "active"}


async def nudge(request: web.Request, caller: Caller) -> object:
    """«Nudge the mentor», as the button of /status and the digest."""
    programme, _ = await _programme(request, caller)
    found = await pairs.require_for_curator(caller.session, caller.user.id,
                                            int(request.match_info["pair_id"]))
    if found.programme_id != programme.id:
        raise AccessDenied()
    queued, mentor = await digest.nudge_mentor(caller.session, caller.user.id, found.id,
                                               caller.now)
    return {"queued": queued, "message": caller.t(
        "digest.nudge.sent" if queued else "digest.nudge.already", mentor=mentor)}


async def remind(request: web.Request, caller: Caller) -> object:
    """«Remind those who have not answered», as the button of /status and the digest."""
    programme, _ = await _programme(request, caller)
    kind = request.match_info["kind"]
    queued = await completion.remind(caller.session, caller.user.id, programme.id, kind,
                                     caller.now)
    survey = caller.t(f"completion.survey.{kind}")
    return {"queued": queued, "message": caller.t("dash.reminded", survey=survey, n=queued)
            if queued else caller.t("completion.reminded_none", survey=survey)}
