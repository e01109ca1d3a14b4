"""The curator's matching (/match): the draft proposal page by page with reasons, drop, swap,
add by hand, approve; the preference round; the pairs (/pairs) and a pair's card with its life
(pause, resume, complete, end early with a typed reason) and the plan read-only.

Guarded like the curator's router: only curators get past, and every id is checked again."""

from __future__ import annotations

from datetime import timedelta

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.callbacks.digest import PairListCallback
from bot.callbacks.matching import (
    MatchAction,
    MatchCallback,
    MatchProgrammeAction,
    MatchProgrammeCallback,
    PairAction,
    PairCallback,
)
from bot.clock import now_of
from bot.db import AsyncSession
from bot.delivery.wake import wake_after_commit
from bot.i18n import BoundTranslator, Translator
from bot.services import lookup
from bot.services.channel import relay as channel
from bot.services.errors import AccessDenied, DomainError
from bot.services.lifecycle import monitoring_surveys as lifecycle
from bot.services.matching import Reason, shown_score
from bot.services.matching import flow as match_flow
from bot.services.matching import prefs as match_prefs
from bot.services.matching.data import option_labels
from bot.services.matching.flow import DraftPair, DraftView
from bot.services.pairs import pairs, plans
from bot.services.pairs import progress as pair_progress
from bot.services.people import access
from bot.services.programmes import states
from bot.services.programmes.forms import form_title
from handlers.matching import views as kb
from handlers.shared import confirm
from handlers.shared.guards import curator_router
from handlers.shared.owned import curated_programme, owned, pressed_objects
from handlers.shared.pressed import editable, in_chat
from handlers.shared.programme_choice import for_curated_programme
from models import Programme, User

PAGE = 5
MAX_TEXT = 3900


class PairInput(StatesGroup):
    end_reason = State()
    end_confirm = State()  # the reason typed; waits for «yes» or «cancel»


def reason_text(t: BoundTranslator, code: str, items, labels: dict[str, str]) -> str:
    named = ", ".join(labels.get(i, i) for i in items)
    return t(f"match.reason.{code}", items=named) if named else t(f"match.reason.{code}.plain")


def reasons_text(t: BoundTranslator, reasons: list[Reason] | list[dict]) -> str:
    labels = option_labels(t.plain)
    parts = []
    for r in reasons:
        code, items = (r["code"], r.get("items", ())) if isinstance(r, dict) else (r.code, r.items)
        parts.append(reason_text(t, code, items, labels))
    return "; ".join(parts) if parts else t("match.reason.none")


def pair_line(t: BoundTranslator, number: int, pair: DraftPair) -> str:
    line = t("match.pair_line", number=number, mentor=pair.mentor_name, mentee=pair.mentee_name,
             score=pair.score, reasons=reasons_text(t, pair.reasons))
    if pair.manual:
        line += " " + t("match.mark.manual")
    if pair.any_audience:
        line += "\n   " + t("match.mark.any_audience")
    if pair.failure:
        line += "\n   ⚠️ " + t(f"match.rule.{pair.failure}")
    return line


def draft_text(t: BoundTranslator, shown: DraftView, page: int) -> tuple[str, int, int]:
    pages = max(1, -(-len(shown.pairs) // PAGE))
    page = min(max(page, 0), pages - 1)
    first = page * PAGE
    lines = [t("match.title", programme=shown.programme_title, pairs=len(shown.pairs),
               unmatched=len(shown.unmatched), not_ready=shown.not_ready, page=page + 1,
               pages=pages)]
    for number, pair in enumerate(shown.pairs[first:first + PAGE], start=first + 1):
        lines.append(pair_line(t, number, pair))
    if not shown.pairs:
        lines.append(t("match.no_pairs"))
    if page == pages - 1 and shown.unmatched:
        lines.append(t("match.unmatched_title"))
        for item in shown.unmatched[:15]:
            lines.append(t("match.unmatched_line", name=item.name,
                           reason=t(f"match.unmatched.{item.reason}")))
        if len(shown.unmatched) > 15:
            lines.append(t("match.more", n=len(shown.unmatched) - 15))
    text = "\n".join(lines)
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT].rsplit("\n", 1)[0] + "\n…"
    return text, page, pages


async def show_draft(target: Message, session: AsyncSession, draft, t: BoundTranslator,
                     page: int = 0, edit: bool = False) -> None:
    shown = await match_flow.view(session, draft)
    text, page, pages = draft_text(t, shown, page)
    markup = kb.draft_page(t, shown, page, pages, page * PAGE)
    if edit:
        await target.edit_text(text, reply_markup=markup)
    else:
        await target.answer(text, reply_markup=markup)


def pair_card_text(t: BoundTranslator, pair: pairs.PairView,
                   progress: pair_progress.PairProgress | None = None) -> str:
    text = t("pair.card", mentor=pair.mentor_name, mentee=pair.mentee_name,
             programme=pair.programme_title, form=form_title(pair.form, t) if pair.form else "—",
             state=t(f"pair.state.{pair.state}"), stage=t(f"pair.stage.{pair.stage}"),
             score=shown_score(pair.score) if pair.score is not None else "—",
             reasons=reasons_text(t, pair.reasons), goals=pair.goals,
             created=pair.created_at.strftime("%d.%m.%Y"))
    if progress is not None:
        text += "\n" + t("pairs.progress", meetings=progress.meetings,
                         last=progress.last_meeting_on.strftime("%d.%m.%Y")
                         if progress.last_meeting_on else "—",
                         score=f"{progress.last_score:.1f}" if progress.last_score is not None
                         else "—", done=progress.goals_done, total=progress.goals_total)
    if pair.end_reason:
        text += "\n" + t("pair.end_reason", reason=pair.end_reason)
    return text


def create_router(translator: Translator) -> Router:
    router = curator_router("matching")

    @router.message(Command("match"))
    async def match_command(message: Message, session: AsyncSession, user: User,
                            state: FSMContext, t: BoundTranslator) -> None:
        await state.clear()

        async def open_draft(programme: Programme) -> None:
            draft = await match_flow.open_draft(session, user.id, programme.id)
            await show_draft(message, session, draft, t)

        await for_curated_programme(
            message, session, user, t, choose="match.choose_programme", one=open_draft,
            button=lambda pid: MatchProgrammeCallback(programme_id=pid, action=MatchProgrammeAction.OPEN))

    @router.message(Command("pairs"))
    async def pairs_command(message: Message, session: AsyncSession, user: User,
                            t: BoundTranslator) -> None:
        await for_curated_programme(
            message, session, user, t, choose="match.choose_programme",
            button=lambda pid: MatchProgrammeCallback(programme_id=pid, action=MatchProgrammeAction.PAIRS),
            one=lambda programme: show_pairs(message, session, programme.id, t))

    async def show_pairs(message: Message, session: AsyncSession, programme_id: int,
                         t: BoundTranslator, chosen: str = "all", page: int = 0,
                         scheduler: object | None = None, edit: bool = False) -> None:
        programme = await lookup.programme(session, programme_id)
        if programme is None:
            raise AccessDenied()
        chosen = pair_progress.check_filter(chosen)
        # One page read in SQL (the counts and the page), whatever the programme's size.
        listing = await pair_progress.listing(session, programme, chosen, page,
                                              now_of(scheduler).date())
        if not listing.total:
            await message.answer(t("pair.list_empty"))
            return
        lines = [t("pair.list_title", title=programme.title, n=listing.total)]
        if chosen != "all" or listing.pages > 1:
            lines.append(t("pairs.list_filtered", filter=t(f"pairs.filter.{chosen}"),
                           n=listing.matching, page=listing.page + 1, pages=listing.pages))
        for number, pair in listing.shown:
            lines.append(t("pair.list_line", number=number, mentor=pair.mentor_name,
                           mentee=pair.mentee_name, state=t(f"pair.state.{pair.state}")))
        markup = kb.pair_list(t, listing.shown, programme_id, chosen, listing.page,
                              listing.pages)
        if edit:
            await message.edit_text("\n".join(lines), reply_markup=markup)
        else:
            await message.answer("\n".join(lines), reply_markup=markup)

    @router.callback_query(PairListCallback.filter())
    async def pair_list_page(query: CallbackQuery, callback_data: PairListCallback,
                             session: AsyncSession, user: User, t: BoundTranslator,
                             scheduler: object | None = None) -> None:
        message = editable(query)
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        await query.answer()
        await show_pairs(message, session, programme.id, t, callback_data.view,
                         callback_data.page, scheduler, edit=True)

    # The programme's matching: open (or recompute) the draft, ask preferences, the pairs. The
    # button's programme is loaded and checked before the handler runs (handlers.shared.owned).
    pressed_objects(router)

    def programme_button(action: MatchProgrammeAction):
        return router.callback_query(MatchProgrammeCallback.filter(F.action == action),
                                     flags=owned("programme", curated_programme))

    async def open_draft(query: CallbackQuery, programme: Programme, session: AsyncSession,
                         user: User, t: BoundTranslator, fresh: bool) -> None:
        message = editable(query)
        draft = await match_flow.open_draft(session, user.id, programme.id, fresh=fresh)
        await query.answer(t.plain("match.recomputed") if fresh else None)
        await show_draft(message, session, draft, t)

    @programme_button(MatchProgrammeAction.OPEN)
    async def draft_open(query: CallbackQuery, programme: Programme, session: AsyncSession,
                         user: User, t: BoundTranslator) -> None:
        await open_draft(query, programme, session, user, t, fresh=False)

    @programme_button(MatchProgrammeAction.RECOMPUTE)
    async def draft_recompute(query: CallbackQuery, programme: Programme, session: AsyncSession,
                              user: User, t: BoundTranslator) -> None:
        await open_draft(query, programme, session, user, t, fresh=True)

    @programme_button(MatchProgrammeAction.ASK_PREFERENCES)
    async def preferences_asked(query: CallbackQuery, programme: Programme,
                                session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = in_chat(query)
        asked = await match_prefs.open_round(session, user.id, programme.id)
        await query.answer()
        await message.answer(t("match.prefs.sent", count=asked))

    @programme_button(MatchProgrammeAction.PAIRS)
    async def pairs_listed(query: CallbackQuery, programme: Programme, session: AsyncSession,
                           t: BoundTranslator) -> None:
        message = editable(query)
        await query.answer()
        await show_pairs(message, session, programme.id, t)

    # The draft: pages, drop, swap, add by hand, approve. Each press names the presser's draft.
    def draft_button(action: MatchAction):
        return router.callback_query(MatchCallback.filter(F.action == action))

    async def my_draft(session: AsyncSession, user: User, callback_data: MatchCallback):
        return await match_flow.require_draft(session, user.id, callback_data.draft_id)

    @draft_button(MatchAction.PAGE)
    async def draft_page(query: CallbackQuery, callback_data: MatchCallback,
                         session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        draft = await my_draft(session, user, callback_data)
        await query.answer()
        await show_draft(message, session, draft, t, callback_data.page, edit=True)

    @draft_button(MatchAction.DROP)
    async def draft_drop(query: CallbackQuery, callback_data: MatchCallback,
                         session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        draft = await my_draft(session, user, callback_data)
        await match_flow.drop_pair(session, draft, callback_data.mentee_id)
        await query.answer(t.plain("match.dropped"))
        await show_draft(message, session, draft, t, callback_data.page, edit=True)

    @draft_button(MatchAction.SWAP_LIST)
    async def draft_swap_list(query: CallbackQuery, callback_data: MatchCallback,
                              session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = in_chat(query)
        draft = await my_draft(session, user, callback_data)
        mentee_id = callback_data.mentee_id
        name, found = await match_flow.swap_candidates(session, draft, mentee_id)
        await query.answer()
        await message.answer(
            t("match.swap_title", mentee=name) if found else t("match.swap_none", mentee=name),
            reply_markup=kb.candidates(draft.id, MatchAction.SWAP_TO, mentee_id, found,
                                       callback_data.page, t("match.btn.back")))

    @draft_button(MatchAction.SWAP_TO)
    async def draft_swap(query: CallbackQuery, callback_data: MatchCallback,
                         session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        draft = await my_draft(session, user, callback_data)
        await match_flow.swap(session, draft, callback_data.mentee_id, callback_data.mentor_id)
        await query.answer(t.plain("match.swapped"))
        await show_draft(message, session, draft, t, callback_data.page, edit=True)

    @draft_button(MatchAction.ADD)
    async def draft_add(query: CallbackQuery, callback_data: MatchCallback,
                        session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = in_chat(query)
        draft = await my_draft(session, user, callback_data)
        found = await match_flow.manual_mentees(session, draft)
        await query.answer()
        await message.answer(
            t("match.add_mentee") if found else t("match.add_none"),
            reply_markup=kb.manual_mentees(draft.id, found, t("match.btn.back")))

    @draft_button(MatchAction.ADD_MENTEE)
    async def draft_add_mentee(query: CallbackQuery, callback_data: MatchCallback,
                               session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = in_chat(query)
        draft = await my_draft(session, user, callback_data)
        mentee_id = callback_data.mentee_id
        name, found = await match_flow.manual_mentors(session, draft, mentee_id)
        await query.answer()
        await message.answer(
            t("match.add_mentor", mentee=name) if found else t("match.swap_none", mentee=name),
            reply_markup=kb.candidates(draft.id, MatchAction.ADD_MENTOR, mentee_id, found, 0,
                                       t("match.btn.back")))

    async def add_mentor(query: CallbackQuery, callback_data: MatchCallback,
                         session: AsyncSession, user: User, t: BoundTranslator,
                         confirmed: bool) -> None:
        """A mentor picked by hand for a mentee: refused when a rule forbids the pair; a low
        score is confirmed first (unless it just was)."""
        message = editable(query)
        draft = await my_draft(session, user, callback_data)
        mentee_id, mentor_id = callback_data.mentee_id, callback_data.mentor_id
        check, mentor_name, mentee_name = await match_flow.check_manual(
            session, draft, mentee_id, mentor_id)
        if check.failure is not None:
            raise DomainError(f"match.refused.{check.failure}")
        if check.low_score and check.pair_score is not None and not confirmed:
            await query.answer()
            await message.answer(
                t("match.low_score", mentor=mentor_name, mentee=mentee_name,
                  score=shown_score(check.pair_score.score)),
                reply_markup=kb.confirm(t, draft.id, MatchCallback(
                    action=MatchAction.ADD_LOW_SCORE, draft_id=draft.id, mentee_id=mentee_id,
                    mentor_id=mentor_id)))
            return
        await match_flow.add_manual(session, draft, mentee_id, mentor_id)
        await query.answer(t.plain("match.added"))
        await show_draft(message, session, draft, t)

    @draft_button(MatchAction.ADD_MENTOR)
    async def draft_add_mentor(query: CallbackQuery, callback_data: MatchCallback,
                               session: AsyncSession, user: User, t: BoundTranslator) -> None:
        await add_mentor(query, callback_data, session, user, t, confirmed=False)

    @draft_button(MatchAction.ADD_LOW_SCORE)
    async def draft_add_low_score(query: CallbackQuery, callback_data: MatchCallback,
                                  session: AsyncSession, user: User, t: BoundTranslator) -> None:
        await add_mentor(query, callback_data, session, user, t, confirmed=True)

    @draft_button(MatchAction.ASK_APPROVE)
    async def draft_ask_approve(query: CallbackQuery, callback_data: MatchCallback,
                                session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = in_chat(query)
        draft = await my_draft(session, user, callback_data)
        summary = await match_flow.approval_summary(session, draft)
        if not summary.pairs:
            raise DomainError("match.empty")
        await query.answer()
        await message.answer(
            t("match.confirm", count=summary.pairs, programme=summary.programme_title) + "\n"
            + t("match.confirm_people", count=summary.people),
            reply_markup=kb.confirm(t, draft.id, MatchCallback(action=MatchAction.APPROVE,
                                                               draft_id=draft.id)))

    @draft_button(MatchAction.APPROVE)
    async def draft_approve(query: CallbackQuery, callback_data: MatchCallback,
                            session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        draft = await my_draft(session, user, callback_data)
        programme_id = draft.programme_id
        created = await match_flow.confirm(session, draft)
        await query.answer()
        text = t("match.confirmed", count=len(created))
        programme = await lookup.programme(session, programme_id)
        if programme is not None and programme.state == states.ProgrammeState.PREPARING:
            # The first pairs of a programme still in preparation: offer to start it.
            await message.edit_text(text + "\n\n" + t("match.offer_start", title=programme.title),
                                    reply_markup=kb.offer_start(t, programme.id))
            return
        await message.edit_text(text)

    # Pairs and their life.
    async def send_pair_card(query: CallbackQuery, session: AsyncSession, pair_id: int,
                             t: BoundTranslator, scheduler: object | None = None) -> None:
        message = in_chat(query)
        shown = await pairs.view(session, pair_id)
        found = await pair_progress.progress(session, shown.programme_id, [shown.id])
        text = pair_card_text(t, shown, found.get(shown.id))
        # The pair's channel: counts only, never what was written (docs/pair-channel.md).
        week, total = await channel.pair_counts(session, shown.id, now_of(scheduler) - timedelta(days=7))
        text += "\n" + t("channel.card", week=week, total=total)
        await message.answer(text, reply_markup=kb.pair_card(t, shown))

    async def curated_pair(session: AsyncSession, user: User, callback_data: PairCallback):
        return await pairs.require_for_curator(session, user.id, callback_data.pair_id)

    @router.callback_query(PairCallback.filter(F.action == PairAction.CARD))
    async def pair_card(query: CallbackQuery, callback_data: PairCallback,
                        session: AsyncSession, user: User, t: BoundTranslator,
                        scheduler: object | None = None) -> None:
        pair = await curated_pair(session, user, callback_data)
        await query.answer()
        await send_pair_card(query, session, pair.id, t, scheduler)

    @router.callback_query(PairCallback.filter(F.action == PairAction.PLAN))
    async def pair_plan(query: CallbackQuery, callback_data: PairCallback,
                        session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = in_chat(query)
        from handlers.matching.plan import plan_text

        pair = await curated_pair(session, user, callback_data)
        goals = await plans.goals(session, pair.id)
        await query.answer()
        await message.answer(plan_text(t, await pairs.view(session, pair.id), goals,
                                       read_only=True))

    @router.callback_query(PairCallback.filter(F.action == PairAction.END))
    async def pair_end(query: CallbackQuery, callback_data: PairCallback,
                       session: AsyncSession, user: User, state: FSMContext,
                       t: BoundTranslator) -> None:
        message = in_chat(query)
        pair = await curated_pair(session, user, callback_data)
        await state.set_state(PairInput.end_reason)
        await state.set_data({"pair_id": pair.id})
        await query.answer()
        await message.answer(t("pair.ask_reason", max=pairs.MAX_END_REASON))

    @router.callback_query(PairCallback.filter(F.action == PairAction.PAUSE))
    async def pair_pause(query: CallbackQuery, callback_data: PairCallback,
                         session: AsyncSession, user: User, t: BoundTranslator) -> None:
        pair = await curated_pair(session, user, callback_data)
        await pairs.pause(session, pair)
        await query.answer(t.plain("pair.changed.pause"))
        await send_pair_card(query, session, pair.id, t)

    @router.callback_query(PairCallback.filter(F.action == PairAction.RESUME))
    async def pair_resume(query: CallbackQuery, callback_data: PairCallback,
                          session: AsyncSession, user: User, t: BoundTranslator) -> None:
        pair = await curated_pair(session, user, callback_data)
        await pairs.resume(session, pair)
        await query.answer(t.plain("pair.changed.resume"))
        await send_pair_card(query, session, pair.id, t)

    def pair_confirmation(t: BoundTranslator, pair_id: int, yes_key: str,
                          yes: PairAction):
        return confirm.keyboard(t, yes_key, PairCallback(action=yes, pair_id=pair_id),
                                PairCallback(action=PairAction.KEEP, pair_id=pair_id))

    @router.callback_query(PairCallback.filter(F.action == PairAction.DONE))
    async def pair_done_ask(query: CallbackQuery, callback_data: PairCallback,
                            session: AsyncSession, user: User, t: BoundTranslator) -> None:
        """Completing a pair cannot be undone and sends the final surveys: ask first."""
        message = in_chat(query)
        pair = await curated_pair(session, user, callback_data)
        pairs.check_open(pair)
        shown = await pairs.view(session, pair.id)
        reached = await pairs.members_reached(session, pair)
        await query.answer()
        await message.answer(
            t("pair.done_ask", mentor=shown.mentor_name or "—", mentee=shown.mentee_name or "—") + "\n"
            + t("pair.done_ask_people", count=reached) + "\n" + t("pair.ask_irreversible"),
            reply_markup=pair_confirmation(t, pair.id, "pair.done_yes",
                                           PairAction.DONE_CONFIRMED))

    @router.callback_query(PairCallback.filter(F.action == PairAction.DONE_CONFIRMED))
    async def pair_done(query: CallbackQuery, callback_data: PairCallback,
                        session: AsyncSession, user: User, t: BoundTranslator,
                        scheduler: object | None = None) -> None:
        message = editable(query)
        pair = await curated_pair(session, user, callback_data)
        await pairs.complete(session, pair)  # a second tap: «the pair has ended already»
        # The final surveys and the reflection go to both members (docs/lifecycle.md).
        await lifecycle.completion(session, [pair], now_of(scheduler))
        wake_after_commit(session, scheduler)
        await query.answer(t.plain("pair.changed.done"))
        await message.edit_text(t("pair.changed.done"), reply_markup=None)
        await send_pair_card(query, session, pair.id, t)

    @router.callback_query(PairCallback.filter(F.action == PairAction.KEEP))
    async def pair_keep(query: CallbackQuery, callback_data: PairCallback,
                        session: AsyncSession, user: User, state: FSMContext,
                        t: BoundTranslator) -> None:
        message = editable(query)
        pair = await curated_pair(session, user, callback_data)
        if (await state.get_data()).get("pair_id") == pair.id:
            await state.clear()  # the typed reason of an early end is dropped too
        await query.answer()
        await confirm.kept(message, t)

    @router.message(PairInput.end_reason, F.text)
    async def end_reason_given(message: Message, session: AsyncSession, user: User,
                               state: FSMContext, t: BoundTranslator) -> None:
        """The reason is checked, kept in the conversation, and the end confirmed by a button."""
        pair = await pairs.require_for_curator(session, user.id,
                                               (await state.get_data()).get("pair_id", 0))
        try:
            reason = pairs.check_end_reason(message.text)
            pairs.check_open(pair)
        except DomainError as exc:
            await message.answer(t.with_params(exc.key, exc.params))
            return
        await state.set_state(PairInput.end_confirm)
        await state.set_data({"pair_id": pair.id, "reason": reason})
        shown = await pairs.view(session, pair.id)
        await message.answer(
            t("pair.end_ask", mentor=shown.mentor_name or "—", mentee=shown.mentee_name or "—",
              reason=reason) + "\n" + t("pair.end_ask_after") + "\n"
            + t("pair.ask_irreversible"),
            reply_markup=pair_confirmation(t, pair.id, "pair.end_yes", PairAction.END_CONFIRMED))

    @router.callback_query(PairCallback.filter(F.action == PairAction.END_CONFIRMED))
    async def pair_end_confirmed(query: CallbackQuery, callback_data: PairCallback,
                                 session: AsyncSession, user: User, state: FSMContext,
                                 t: BoundTranslator) -> None:
        message = editable(query)
        pair = await curated_pair(session, user, callback_data)
        pairs.check_open(pair)  # a second tap: «the pair has ended already»
        data = await state.get_data()
        if data.get("pair_id") != pair.id or not data.get("reason"):
            raise DomainError("pair.error.reason_lost")
        await pairs.end_early(session, pair, data["reason"])
        await lifecycle.pair_ended_early(session, pair)
        await state.clear()
        await query.answer(t.plain("pair.changed.end"))
        await message.edit_text(t("pair.changed.end"), reply_markup=None)
        shown = await pairs.view(session, pair.id)
        await message.answer(pair_card_text(t, shown), reply_markup=kb.pair_card(t, shown))

    @router.message(PairInput.end_confirm)
    async def end_confirm_expected(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("common.use_buttons"))

    @router.message(PairInput.end_reason)
    async def end_reason_not_text(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("pair.ask_reason", max=pairs.MAX_END_REASON))

    return router
