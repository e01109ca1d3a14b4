"""The roadmap in the bot: the curator imports the organisation's document (file or pasted
table), checks a preview, fixes deadlines and people, confirms; responsible people mark items
done or ask for more time; /roadmap lists items by status. Flow: docs/roadmap-flow.md."""

from __future__ import annotations

from datetime import timedelta
from html import escape
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.callbacks.roadmap import (
    RoadmapDraftAction,
    RoadmapDraftCallback,
    RoadmapExtensionCallback,
    RoadmapItemAction,
    RoadmapItemCallback,
    RoadmapProgrammeAction,
    RoadmapProgrammeCallback,
)
from bot.db import AsyncSession
from bot.i18n import BoundTranslator, Html
from bot.services import lookup
from bot.services.errors import AccessDenied, DomainError
from bot.services.people import access, invitations
from bot.services.roadmap import items as items_service
from bot.services.roadmap import status
from bot.services.roadmap.items import BUCKETS, ItemView
from handlers.roadmap import views as kb
from handlers.shared.owned import curated_programme, owned, pressed_objects
from handlers.shared.pressed import editable, in_chat
from handlers.shared.typed import read_typed
from models import Organisation, Programme, RoadmapDraft, RoadmapItem, User
from models.base import utcnow

# Import the job so it is registered with the scheduler.

PAGE = 8
MAX_TEXT = 3900
INVITE_LIFETIME = timedelta(days=14)


class RoadmapInput(StatesGroup):
    upload = State()
    fix = State()
    done_note = State()
    ext_reason = State()
    ext_date = State()


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _fit(lines: list[str]) -> str:
    text = "\n".join(lines)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT].rsplit("\n", 1)[0] + "\n…"


def _dates(t: BoundTranslator, start: str | None, end: str | None, kind: str) -> str:
    if not start or not end:
        return t("roadmap.no_date")
    a = "{2}.{1}.{0}".format(*start.split("-"))
    b = "{2}.{1}.{0}".format(*end.split("-"))
    if a == b:
        return t("roadmap.by_date", date=b) if kind == "by" else b
    return f"{a}–{b}"


def _today(organisation: Organisation | None):
    zone = ZoneInfo(organisation.timezone) if organisation else ZoneInfo("Europe/Moscow")
    return utcnow().astimezone(zone).date()


async def _answer_or_edit(query: CallbackQuery, text: str, markup) -> None:
    message = editable(query)
    await query.answer()
    await message.edit_text(text, reply_markup=markup)


# --- preview rendering ------------------------------------------------------------------------


def warning_text(t: BoundTranslator, warning: dict | str) -> Html:
    """A parser warning of a draft, translated (bot/services/roadmap/notes.py): its parameters
    come from the file, so they are cut and escaped like any other text from it."""
    if isinstance(warning, str) or "code" not in warning:
        # Written by an older version, or a parser note without a code: as it is, escaped.
        text = warning if isinstance(warning, str) else str(warning.get("text", ""))
        return Html(escape(_cut(text, 90), quote=False))
    params = {key: warning_text(t, value) if isinstance(value, dict)
              else _cut(str(value), 40) for key, value in (warning.get("params") or {}).items()}
    return Html(t.with_params(f"roadmap.warning.{warning['code']}", params))


def _person_line(t: BoundTranslator, entry: dict) -> str:
    if entry["kind"] == "role":
        key = (f"roadmap.people.role_{entry['role']}"
               if items_service.held_role(entry["role"]) else "roadmap.people.role_other")
        return t(key, raw=entry["raw"])
    if entry["kind"] == "person" and entry.get("choice") is not None:
        return t("roadmap.people.person", raw=entry["raw"],
                 name=entry["candidates"][entry["choice"]][2])
    if entry["kind"] == "person":
        return t("roadmap.people.ambiguous", raw=entry["raw"], n=len(entry["candidates"]))
    return t("roadmap.people.unknown", raw=entry["raw"])


async def preview_text(session: AsyncSession, draft: RoadmapDraft, t: BoundTranslator) -> str:
    payload = draft.payload
    items = payload["items"]
    undated = [i for i in items if not i["start"]]
    diff = await items_service.diff(session, draft)
    lines = [t("roadmap.preview.title", filename=draft.filename, n=len(items),
               dated=len(items) - len(undated), undated=len(undated)),
             t("roadmap.preview.diff", new=diff.new, updated=diff.updated,
               removed=len(diff.removed))]
    if diff.removed:
        lines.append(t("roadmap.preview.removed"))
        lines += [t("roadmap.preview.removed_line", number=number or "—", title=_cut(title, 60))
                  for number, title in diff.removed[:10]]
    if undated:
        lines.append(t("roadmap.preview.undated"))
        lines += [t("roadmap.preview.undated_line", number=i["number"] or "—",
                    title=_cut(i["title"], 50), text=_cut(i["deadline_text"] or "—", 50))
                  for i in undated]
    lines.append(t("roadmap.preview.people"))
    lines += ["  " + _person_line(t, e) for e in payload["people"]]
    warnings = [t("roadmap.preview.warning", text=warning_text(t, w))
                for w in payload["warnings"]] + [
        t("roadmap.preview.item_warning", number=i["number"] or "—", text=warning_text(t, w))
        for i in items for w in i["warnings"]]
    if warnings:
        lines.append(t("roadmap.preview.warnings", n=len(warnings)))
        lines += warnings[:8]
    lines.append(t("roadmap.preview.hint"))
    return _fit(lines)


def draft_items_view(draft: RoadmapDraft, page: int, t: BoundTranslator):
    items = draft.payload["items"]
    pages = max(1, -(-len(items) // PAGE))
    page = min(max(page, 0), pages - 1)
    lines = [t("roadmap.items.title", page=page + 1, pages=pages)]
    labels = []
    for index in range(page * PAGE, min(len(items), (page + 1) * PAGE)):
        item = items[index]
        mark = "✏️ " if item.get("fixed") else ("❔ " if not item["start"] else "")
        lines.append(t("roadmap.items.line", mark=mark, number=item["number"] or "—",
                       title=_cut(item["title"], 70),
                       dates=_dates(t, item["start"], item["end"], item["kind"]),
                       text=_cut(item["deadline_text"] or "—", 40),
                       people=_cut(", ".join(item["responsible"]) or "—", 60)))
        labels.append((index, item["number"] or str(index + 1)))
    return _fit(lines), kb.draft_items(t, draft.id, page, pages, labels)


def people_view(draft: RoadmapDraft, t: BoundTranslator):
    entries = draft.payload["people"]
    lines = [t("roadmap.people.title")] + ["  " + _person_line(t, e) for e in entries]
    choosable = [(i, e["raw"]) for i, e in enumerate(entries) if e["kind"] != "role"]
    return _fit(lines), kb.draft_people(t, draft.id, choosable)


# --- lists ------------------------------------------------------------------------------------


def _label(item: RoadmapItem) -> str:
    """An item as its buttons' answers name it: number and title, cut."""
    return _cut(f"{item.number or ''} {item.title}".strip(), 80)


def _item_line(t: BoundTranslator, item: ItemView) -> str:
    when = item.next_date.strftime("%d.%m.%Y") if item.next_date else _cut(
        item.deadline_text or "—", 40)
    line = t("roadmap.list.line", number=item.number or "—", title=_cut(item.title, 70),
             date=when, people=_cut(item.responsible_text or "—", 50))
    if item.status == "done" and item.done_comment:
        line += "\n" + t("roadmap.list.comment", comment=_cut(item.done_comment, 100))
    return line


async def menu_view(session: AsyncSession, programme: Programme, t: BoundTranslator):
    organisation = await lookup.organisation(session, programme.organisation_id)
    buckets = await items_service.by_bucket(session, programme, _today(organisation))
    counts = {b: len(v) for b, v in buckets.items()}
    text = t("roadmap.menu", programme=programme.title, n=sum(counts.values()))
    return text, kb.menu(t, programme.id, counts)


async def bucket_view(session: AsyncSession, programme: Programme, bucket: str, page: int,
                      t: BoundTranslator):
    organisation = await lookup.organisation(session, programme.organisation_id)
    found = (await items_service.by_bucket(session, programme, _today(organisation)))[bucket]
    pages = max(1, -(-len(found) // PAGE))
    page = min(max(page, 0), pages - 1)
    lines = [t("roadmap.list.title", bucket=t(f"roadmap.bucket.{bucket}", n=len(found)),
               programme=programme.title, page=page + 1, pages=pages)]
    lines += [_item_line(t, i) for i in found[page * PAGE:(page + 1) * PAGE]]
    if not found:
        lines.append(t("roadmap.list.empty"))
    return _fit(lines), kb.bucket_page(t, programme.id, bucket, page, pages)


async def send_my_items(message: Message, session: AsyncSession, user: User,
                        t: BoundTranslator) -> None:
    mine = await status.my_items(session, user.id)
    if not mine:
        await message.answer(t("roadmap.mine.empty"))
        return
    lines = [t("roadmap.mine.title")]
    buttons = []
    for item in mine:
        view = items_service.view(item, None)
        lines.append(("✅ " if item.status == "done" else "• ") + _item_line(t, view))
        if item.status != "done":
            buttons.append((item.id, _cut(item.number or item.title, 30)))
    await message.answer(_fit(lines), reply_markup=kb.my_items(t, buttons[:20]))


def create_router() -> Router:
    router = Router(name="roadmap")
    router.message.filter(F.chat.type == "private")

    @router.message(Command("roadmap"))
    async def roadmap_command(message: Message, session: AsyncSession, user: User,
                              state: FSMContext, t: BoundTranslator) -> None:
        await state.clear()
        curated = await access.curated_programmes(session, user.id)
        if not curated:
            await send_my_items(message, session, user, t)
            return
        if len(curated) == 1:
            text, markup = await menu_view(session, curated[0], t)
            await message.answer(text, reply_markup=markup)
        else:
            await message.answer(t("roadmap.choose"), reply_markup=kb.programmes(curated))
        if await status.my_items(session, user.id):
            await send_my_items(message, session, user, t)

    # A button's programme, draft or item is loaded and checked before its handler runs
    # (handlers.shared.owned): the handler gets it as `programme`, `draft` or `item`.
    pressed_objects(router)

    def programme_button(action: RoadmapProgrammeAction):
        return router.callback_query(RoadmapProgrammeCallback.filter(F.action == action),
                                     flags=owned("programme", curated_programme))

    @programme_button(RoadmapProgrammeAction.MENU)
    async def programme_menu(query: CallbackQuery, programme: Programme, session: AsyncSession,
                             t: BoundTranslator) -> None:
        message = in_chat(query)
        text, markup = await menu_view(session, programme, t)
        await query.answer()
        await message.answer(text, reply_markup=markup)

    @programme_button(RoadmapProgrammeAction.UPLOAD)
    async def programme_upload(query: CallbackQuery, programme: Programme, state: FSMContext,
                               t: BoundTranslator) -> None:
        message = in_chat(query)
        await state.set_state(RoadmapInput.upload)
        await state.set_data({"programme_id": programme.id})
        await query.answer()
        await message.answer(t("roadmap.ask_file", programme=programme.title,
                               mb=items_service.MAX_FILE_BYTES // (1024 * 1024)))

    @programme_button(RoadmapProgrammeAction.LIST)
    async def programme_list(query: CallbackQuery, programme: Programme,
                             callback_data: RoadmapProgrammeCallback, session: AsyncSession,
                             t: BoundTranslator) -> None:
        message = in_chat(query)
        if callback_data.bucket not in BUCKETS or callback_data.page < 0:
            raise AccessDenied()
        text, markup = await bucket_view(session, programme, callback_data.bucket,
                                         callback_data.page, t)
        await query.answer()
        await message.answer(text, reply_markup=markup)

    async def _draft_from(message: Message, session: AsyncSession, user: User,
                          state: FSMContext, t: BoundTranslator, content: bytes,
                          filename: str) -> None:
        programme = await access.require_curator(session, user.id,
                                                 (await state.get_data()).get("programme_id", 0))
        try:
            draft = await items_service.create_draft(session, programme, user.id, content,
                                                     filename)
        except DomainError as exc:
            await message.answer(t.with_params(exc.key, exc.params))
            return
        await state.clear()
        await message.answer(await preview_text(session, draft, t),
                             reply_markup=kb.preview(t, draft.id))

    @router.message(RoadmapInput.upload, F.document)
    async def file_given(message: Message, session: AsyncSession, user: User,
                         state: FSMContext, t: BoundTranslator, bot: Bot) -> None:
        document = message.document
        assert document is not None  # the F.document filter
        try:
            name = items_service.check_upload(document.file_name, document.file_size)
        except DomainError as exc:
            await message.answer(t.with_params(exc.key, exc.params))
            return
        data = await bot.download(document)
        assert data is not None  # without a destination the file comes back as bytes
        await _draft_from(message, session, user, state, t, data.read(), name)

    @router.message(RoadmapInput.upload, F.text)
    async def text_given(message: Message, session: AsyncSession, user: User,
                         state: FSMContext, t: BoundTranslator) -> None:
        await _draft_from(message, session, user, state, t, (message.text or "").encode("utf-8"),
                          "pasted.txt")

    @router.message(RoadmapInput.upload)
    async def upload_other(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("roadmap.error.format",
                               formats=", ".join(items_service.EXTENSIONS)))

    # The preview.
    async def pressed_draft(session: AsyncSession, user: User,
                            callback_data: RoadmapDraftCallback) -> RoadmapDraft:
        return await items_service.require_draft(session, user.id, callback_data.draft_id)

    def draft_button(action: RoadmapDraftAction):
        return router.callback_query(RoadmapDraftCallback.filter(F.action == action),
                                     flags=owned("draft", pressed_draft))

    @draft_button(RoadmapDraftAction.SUMMARY)
    async def draft_summary(query: CallbackQuery, draft: RoadmapDraft, session: AsyncSession,
                            t: BoundTranslator) -> None:
        await _answer_or_edit(query, await preview_text(session, draft, t),
                              kb.preview(t, draft.id))

    @draft_button(RoadmapDraftAction.ITEMS)
    async def draft_items(query: CallbackQuery, draft: RoadmapDraft,
                          callback_data: RoadmapDraftCallback, t: BoundTranslator) -> None:
        text, markup = draft_items_view(draft, callback_data.page, t)
        await _answer_or_edit(query, text, markup)

    @draft_button(RoadmapDraftAction.FIX)
    async def draft_fix(query: CallbackQuery, draft: RoadmapDraft,
                        callback_data: RoadmapDraftCallback, state: FSMContext,
                        t: BoundTranslator) -> None:
        message = in_chat(query)
        index, items = callback_data.index, draft.payload["items"]
        if not 0 <= index < len(items):
            raise AccessDenied()
        await state.set_state(RoadmapInput.fix)
        await state.set_data({"draft_id": draft.id, "index": index})
        await query.answer()
        await message.answer(t("roadmap.ask_deadline", number=items[index]["number"]
                               or "—", title=_cut(items[index]["title"], 80),
                               text=items[index]["deadline_text"] or "—"))

    @draft_button(RoadmapDraftAction.PEOPLE)
    async def draft_people(query: CallbackQuery, draft: RoadmapDraft, t: BoundTranslator) -> None:
        text, markup = people_view(draft, t)
        await _answer_or_edit(query, text, markup)

    @draft_button(RoadmapDraftAction.PERSON)
    async def draft_person(query: CallbackQuery, draft: RoadmapDraft,
                           callback_data: RoadmapDraftCallback, t: BoundTranslator) -> None:
        index, entries = callback_data.index, draft.payload["people"]
        if not 0 <= index < len(entries) or entries[index]["kind"] == "role":
            raise AccessDenied()
        entry = entries[index]
        await _answer_or_edit(query, t("roadmap.person.ask", raw=entry["raw"]),
                              kb.draft_person(t, draft.id, index, entry["candidates"]))

    async def choose_person(query: CallbackQuery, callback_data: RoadmapDraftCallback,
                            draft: RoadmapDraft, t: BoundTranslator, choice: int | None) -> None:
        items_service.choose_person(draft, callback_data.index, choice)
        text, markup = people_view(draft, t)
        await _answer_or_edit(query, text, markup)

    @draft_button(RoadmapDraftAction.PICK)
    async def draft_pick(query: CallbackQuery, draft: RoadmapDraft,
                         callback_data: RoadmapDraftCallback, t: BoundTranslator) -> None:
        await choose_person(query, callback_data, draft, t, callback_data.choice)

    @draft_button(RoadmapDraftAction.SKIP)
    async def draft_skip(query: CallbackQuery, draft: RoadmapDraft,
                         callback_data: RoadmapDraftCallback, t: BoundTranslator) -> None:
        await choose_person(query, callback_data, draft, t, None)

    @draft_button(RoadmapDraftAction.INVITE)
    async def draft_invite(query: CallbackQuery, draft: RoadmapDraft,
                           callback_data: RoadmapDraftCallback, session: AsyncSession,
                           t: BoundTranslator, bot: Bot) -> None:
        message = in_chat(query)
        index, entries = callback_data.index, draft.payload["people"]
        if not 0 <= index < len(entries):
            raise AccessDenied()
        programme = await lookup.programme(session, draft.programme_id)
        if programme is None:
            raise AccessDenied()
        link = await invitations.create(
            session, organisation_id=programme.organisation_id, role="curator",
            expires_in=INVITE_LIFETIME, max_uses=1)
        me = await bot.me()
        await query.answer()
        await message.answer(t("roadmap.person.invite", raw=entries[index]["raw"],
                               link=invitations.deep_link(me.username, link.token),
                               days=INVITE_LIFETIME.days))

    @draft_button(RoadmapDraftAction.SAVE)
    async def draft_save(query: CallbackQuery, draft: RoadmapDraft, session: AsyncSession,
                         t: BoundTranslator) -> None:
        message = editable(query)
        result = await items_service.confirm_draft(session, draft)
        await query.answer()
        await message.edit_text(t("roadmap.saved", new=result.new,
                                  updated=result.updated, removed=len(result.removed)))

    @draft_button(RoadmapDraftAction.DROP)
    async def draft_drop(query: CallbackQuery, draft: RoadmapDraft, session: AsyncSession,
                         t: BoundTranslator) -> None:
        message = editable(query)
        await items_service.drop_draft(session, draft)
        await query.answer()
        await message.edit_text(t("roadmap.dropped"))

    @router.message(RoadmapInput.fix, F.text)
    async def deadline_given(message: Message, session: AsyncSession, user: User,
                             state: FSMContext, t: BoundTranslator) -> None:
        data = await state.get_data()
        draft = await items_service.require_draft(session, user.id, data.get("draft_id", 0))
        programme = await lookup.programme(session, draft.programme_id)
        if programme is None:
            raise AccessDenied()
        try:
            item = items_service.fix_deadline(draft, programme, data.get("index", -1),
                                              message.text or "")
        except DomainError as exc:
            await message.answer(t.with_params(exc.key, exc.params))
            return
        await state.clear()
        await message.answer(t("roadmap.fixed", number=item["number"] or "—",
                               dates=_dates(t, item["start"], item["end"], item["kind"])))
        await message.answer(await preview_text(session, draft, t),
                             reply_markup=kb.preview(t, draft.id))

    # Responsible people: done, more time.
    async def pressed_item(session: AsyncSession, user: User,
                           callback_data: RoadmapItemCallback) -> RoadmapItem:
        """The item: the presser must be responsible for it."""
        return await status.require_item(session, user.id, callback_data.item_id)

    def item_button(action: RoadmapItemAction):
        return router.callback_query(RoadmapItemCallback.filter(F.action == action),
                                     flags=owned("item", pressed_item))

    @item_button(RoadmapItemAction.DONE)
    async def item_done(query: CallbackQuery, item: RoadmapItem, state: FSMContext,
                        t: BoundTranslator) -> None:
        message = in_chat(query)
        if item.status == "done":
            await query.answer(t.plain("roadmap.done.already"), show_alert=True)
            return
        await state.set_state(RoadmapInput.done_note)
        await state.set_data({"item_id": item.id})
        await query.answer()
        await message.answer(t("roadmap.done.ask", item=_label(item)),
                             reply_markup=kb.no_comment(t, item.id))

    @item_button(RoadmapItemAction.NO_COMMENT)
    async def item_no_comment(query: CallbackQuery, item: RoadmapItem, session: AsyncSession,
                              user: User, state: FSMContext, t: BoundTranslator) -> None:
        message = in_chat(query)
        await status.mark_done(session, item, user.id, comment=None, file_id=None,
                               now=utcnow())
        await state.clear()
        await query.answer()
        await message.answer(t("roadmap.done.saved", item=_label(item)))

    @item_button(RoadmapItemAction.EXTEND)
    async def item_extend(query: CallbackQuery, item: RoadmapItem, state: FSMContext,
                          t: BoundTranslator) -> None:
        message = in_chat(query)
        await state.set_state(RoadmapInput.ext_reason)
        await state.set_data({"item_id": item.id})
        await query.answer()
        await message.answer(t("roadmap.ext.ask_reason", item=_label(item)))

    async def _done(message: Message, session: AsyncSession, user: User, state: FSMContext,
                    t: BoundTranslator, comment: str | None, file_id: str | None) -> None:
        item = await status.require_item(session, user.id,
                                         (await state.get_data()).get("item_id", 0))
        await status.mark_done(session, item, user.id, comment=comment, file_id=file_id,
                               now=utcnow())
        await state.clear()
        await message.answer(t("roadmap.done.saved", item=_label(item)))

    @router.message(RoadmapInput.done_note, F.document)
    async def done_file(message: Message, session: AsyncSession, user: User,
                        state: FSMContext, t: BoundTranslator) -> None:
        assert message.document is not None  # the F.document filter
        await _done(message, session, user, state, t, message.caption, message.document.file_id)

    @router.message(RoadmapInput.done_note, F.text)
    async def done_comment(message: Message, session: AsyncSession, user: User,
                           state: FSMContext, t: BoundTranslator) -> None:
        await _done(message, session, user, state, t, message.text, None)

    @router.message(RoadmapInput.ext_reason, F.text)
    async def ext_reason(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        await state.update_data(reason=(message.text or "")[:status.MAX_COMMENT])
        await state.set_state(RoadmapInput.ext_date)
        await message.answer(t("roadmap.ext.ask_date"))

    @router.message(RoadmapInput.ext_date, F.text)
    async def ext_date(message: Message, session: AsyncSession, user: User, state: FSMContext,
                       t: BoundTranslator) -> None:
        data = await state.get_data()
        item = await status.require_item(session, user.id, data.get("item_id", 0))
        programme = await lookup.programme(session, item.programme_id)
        if programme is None:
            raise AccessDenied()
        new_date = await read_typed(message, t, lambda text: status.parse_new_date(text, programme))
        if new_date is None:
            return
        await status.request_extension(session, item, user.id, reason=data.get("reason", ""),
                                       new_date=new_date, now=utcnow())
        await state.clear()
        await message.answer(t("roadmap.ext.sent", date=new_date.strftime("%d.%m.%Y")))

    @router.message(RoadmapInput.fix)
    @router.message(RoadmapInput.done_note)
    @router.message(RoadmapInput.ext_reason)
    @router.message(RoadmapInput.ext_date)
    async def need_text(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("roadmap.need_text"))

    @router.callback_query(RoadmapExtensionCallback.filter())
    async def extension_decided(query: CallbackQuery, callback_data: RoadmapExtensionCallback,
                                session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        item: RoadmapItem = await status.require_curated_item(session, user.id,
                                                              callback_data.item_id)
        label = _label(item)
        if item.extension_new_date is None:
            await query.answer(t.plain("roadmap.error.no_request"), show_alert=True)
            return
        moved = await status.decide_extension(session, item, callback_data.approve, utcnow())
        await query.answer()
        await message.edit_text(
            t("roadmap.ext.approved", item=label, date=moved.strftime("%d.%m.%Y")) if moved
            else t("roadmap.ext.declined", item=label))

    return router
