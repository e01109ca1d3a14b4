"""The registry of a programme's participants: pages with filters, a participant's card, the
XLSX export."""

from __future__ import annotations

from datetime import date

from aiogram import Router
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.callbacks.curator import ExportCallback, ParticipantCallback, RegistryCallback
from bot.db import AsyncSession
from bot.i18n import BoundTranslator
from bot.services.errors import AccessDenied
from bot.services.people import access, participants
from bot.services.programmes import curation, programmes
from bot.services.programmes.curation import PAGE_SIZE, PARTICIPANT_ROLES, REGISTRY_STATES
from bot.services.programmes.forms import form_title
from bot.services.reports import registry_xlsx
from handlers.curator import views as kb
from handlers.shared.guards import curator_router
from handlers.shared.participant_name import participant_name
from handlers.shared.pressed import in_chat
from models import User

MAX_TEXT = 3900


def short_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


async def show_registry(query_or_message: CallbackQuery | Message, session: AsyncSession,
                        programme_id: int, role: str, state: str, page: int,
                        t: BoundTranslator) -> None:
    card = await programmes.card(session, programme_id)
    rows, total = await participants.registry(session, programme_id, role=role or None,
                                              state=state or None, offset=page * PAGE_SIZE,
                                              limit=PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    lines = [t("cur.reg.title", programme=card.title, total=total, page=page + 1, pages=pages)]
    if role or state:
        lines.append(t("cur.reg.filter", role=t(f"cur.reg.role_{role}") if role
                       else t("cur.reg.all_roles"),
                       state=t(f"state.{state}") if state else t("cur.reg.all_states")))
    labels = []
    for number, row in enumerate(rows, start=page * PAGE_SIZE + 1):
        name = participant_name(t, row.full_name, row.id, row.nameless)
        form = form_title(row.form, t) if row.form else "—"
        lines.append(t("cur.reg.line", number=number, name=name, role=t(f"role.{row.role}"),
                       form=form, state=t(f"state.{row.state}")))
        labels.append((row.id, f"{number}. {row.full_name or '#' + str(row.id)}"[:60]))
    if not rows:
        lines.append(t("cur.reg.empty"))
    markup = kb.registry(t, programme_id, role, state, page, pages, labels)
    text = "\n".join(lines)
    if isinstance(query_or_message, CallbackQuery):
        message = in_chat(query_or_message)
        if isinstance(message, Message) and message.reply_markup and any(
                (button.callback_data or "").startswith(ExportCallback.__prefix__ + ":")
                for row in message.reply_markup.inline_keyboard for button in row):
            await message.edit_text(text, reply_markup=markup)  # the registry: turn the page
        else:
            await message.answer(text, reply_markup=markup)
    else:
        await query_or_message.answer(text, reply_markup=markup)


def create_router() -> Router:
    router = curator_router("curator_registry")

    # The registry.
    @router.callback_query(RegistryCallback.filter())
    async def registry_page(query: CallbackQuery, callback_data: RegistryCallback,
                            session: AsyncSession, user: User, t: BoundTranslator) -> None:
        await access.require_curator(session, user.id, callback_data.programme_id)
        if (callback_data.role not in ("", *PARTICIPANT_ROLES)
                or callback_data.state not in ("", *REGISTRY_STATES) or callback_data.page < 0):
            raise AccessDenied()
        await query.answer()
        await show_registry(query, session, callback_data.programme_id, callback_data.role,
                            callback_data.state, callback_data.page, t)

    @router.callback_query(ParticipantCallback.filter())
    async def participant_card(query: CallbackQuery, callback_data: ParticipantCallback,
                               session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = in_chat(query)
        participation = await access.require_participation(session, user.id,
                                                           callback_data.participation_id)
        card = await curation.participant_card(session, participation, t.plain)
        why = participants.nameless(card.state, card.consent_at is not None)
        lines = [t("cur.person.card", name=participant_name(t, card.full_name, card.id, why),
                   role=t(f"role.{card.role}"),
                   form=form_title(card.form, t) if card.form else "—",
                   age=t(f"age_group.{card.age_group}"), state=t(f"state.{card.state}"),
                   created=short_date(card.created_at.date()),
                   consent=short_date(card.consent_at.date() if card.consent_at else None),
                   ready=short_date(card.ready_at.date() if card.ready_at else None))]
        if card.answers:
            lines.append(t("cur.person.answers"))
            for question, answer in card.answers:
                lines.append(t("cur.person.answer", question=question, answer=answer))
        else:
            lines.append(t("cur.person.no_answers"))
        text = "\n".join(lines)
        if len(text) > MAX_TEXT:
            text = text[:MAX_TEXT].rsplit("\n", 1)[0] + "\n…"
        await query.answer()
        await message.answer(text,
                             reply_markup=kb.participant_card(t, card.programme_id))

    @router.callback_query(ExportCallback.filter())
    async def export(query: CallbackQuery, callback_data: ExportCallback, session: AsyncSession,
                     user: User, t: BoundTranslator) -> None:
        message = in_chat(query)
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        rows = await curation.export_rows(session, programme.id)
        content = registry_xlsx.build(rows, t.as_plain(), programme.title)
        await query.answer()
        await message.answer_document(
            BufferedInputFile(content, filename=f"registry_{programme.id}.xlsx"),
            caption=t("cur.reg.export_caption", programme=programme.title, n=len(rows)))

    return router
