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
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.roadmap import (
    RoadmapDraftCallback,
    RoadmapExtensionCallback,
    RoadmapItemCallback,
    RoadmapProgrammeCallback,
)
from bot.i18n import BoundTranslator, Html
from bot.services.errors import AccessDenied, DomainError
from bot.services.people import access, invitations
from bot.services.roadmap import items as items_service
from bot.services.roadmap import status
from bot.services.roadmap.items import BUCKETS, ItemView
from handlers.roadmap import views as kb
from models import Organisation, Programme, RoadmapDraft, RoadmapItem, User
from models.base import utcnow

# Import the job so it is registered with the scheduler.
from scheduler import roadmap_job  # noqa: F401

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
    await query.answer()
    await query.message.edit_text(text, reply_markup=markup)


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
    return Html(t(f"roadmap.warning.{warning['code']}", **params))


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


def _item_line(t: BoundTranslator, item: ItemView) -> str:
    when = item.next_date.strftime("%d.%m.%Y") if item.next_date else _cut(
        item.deadline_text or "—", 40)
    line = t("roadmap.list.line", number=item.number or "—", title=_cut(item.title, 70),
             date=when, people=_cut(item.responsible_text or "—", 50))
    if item.status == "done" and item.done_comment:
        line += "\n" + t("roadmap.list.comment", comment=_cut(item.done_comment, 100))
    return line


async def menu_view(session: AsyncSession, programme: Programme, t: BoundTranslator):
    organisation = await session.get(Organisation, programme.organisation_id)
    buckets = await items_service.by_bucket(session, programme, _today(organisation))
    counts = {b: len(v) for b, v in buckets.items()}
    text = t("roadmap.menu", programme=programme.title, n=sum(counts.values()))
    return text, kb.menu(t, programme.id, counts)


async def bucket_view(session: AsyncSession, programme: Programme, bucket: str, page: int,
                      t: BoundTranslator):
    organisation = await session.get(Organisation, programme.organisation_id)
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

    @router.callback_query(RoadmapProgrammeCallback.filter())
    async def programme_action(query: CallbackQuery, callback_data: RoadmapProgrammeCallback,
                               session: AsyncSession, user: User, state: FSMContext,
                               t: BoundTranslator) -> None:
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        if callback_data.action == "menu":
            text, markup = await menu_view(session, programme, t)
            await query.answer()
            await query.message.answer(text, reply_markup=markup)
        elif callback_data.action == "upload":
            await state.set_state(RoadmapInput.upload)
            await state.set_data({"programme_id": programme.id})
            await query.answer()
            await query.message.answer(t("roadmap.ask_file", programme=programme.title,
                                         mb=items_service.MAX_FILE_BYTES // (1024 * 1024)))
        elif callback_data.action == "list" and callback_data.bucket in BUCKETS \
                and callback_data.page >= 0:
            text, markup = await bucket_view(session, programme, callback_data.bucket,
                                             callback_data.page, t)
            await query.answer()
            await query.message.answer(text, reply_markup=markup)
        else:
            raise AccessDenied()

    async def _draft_from(message: Message, session: AsyncSession, user: User,
                          state: FSMContext, t: BoundTranslator, content: bytes,
                          filename: str) -> None:
        programme = await access.require_curator(session, user.id,
                                                 (await state.get_data()).get("programme_id", 0))
        try:
            draft = await items_service.create_draft(session, programme, user.id, content,
                                                     filename)
        except DomainError as exc:
            await message.answer(t(exc.key, **exc.params))
            return
        await state.clear()
        await message.answer(await preview_text(session, draft, t),
                             reply_markup=kb.preview(t, draft.id))

    @router.message(RoadmapInput.upload, F.document)
    async def file_given(message: Message, session: AsyncSession, user: User,
                         state: FSMContext, t: BoundTranslator, bot: Bot) -> None:
        document = message.document
        try:
            name = items_service.check_upload(document.file_name, document.file_size)
        except DomainError as exc:
            await message.answer(t(exc.key, **exc.params))
            return
        data = await bot.download(document)
        await _draft_from(message, session, user, state, t, data.read(), name)

    @router.message(RoadmapInput.upload, F.text)
    async def text_given(message: Message, session: AsyncSession, user: User,
                         state: FSMContext, t: BoundTranslator) -> None:
        await _draft_from(message, session, user, state, t, message.text.encode("utf-8"),
                          "pasted.txt")

    @router.message(RoadmapInput.upload)
    async def upload_other(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("roadmap.error.format",
                               formats=", ".join(items_service.EXTENSIONS)))

    # The preview.
    @router.callback_query(RoadmapDraftCallback.filter())
    async def draft_action(query: CallbackQuery, callback_data: RoadmapDraftCallback,
                           session: AsyncSession, user: User, state: FSMContext,
                           t: BoundTranslator, bot: Bot) -> None:
        draft = await items_service.require_draft(session, user.id, callback_data.draft_id)
        action, index = callback_data.action, callback_data.index
        if action == "summary":
            await _answer_or_edit(query, await preview_text(session, draft, t),
                                  kb.preview(t, draft.id))
        elif action == "items":
            text, markup = draft_items_view(draft, callback_data.page, t)
            await _answer_or_edit(query, text, markup)
        elif action == "fix":
            items = draft.payload["items"]
            if not 0 <= index < len(items):
                raise AccessDenied()
            await state.set_state(RoadmapInput.fix)
            await state.set_data({"draft_id": draft.id, "index": index})
            await query.answer()
            await query.message.answer(t("roadmap.ask_deadline", number=items[index]["number"]
                                         or "—", title=_cut(items[index]["title"], 80),
                                         text=items[index]["deadline_text"] or "—"))
        elif action == "people":
            text, markup = people_view(draft, t)
            await _answer_or_edit(query, text, markup)
        elif action == "person":
            entries = draft.payload["people"]
            if not 0 <= index < len(entries) or entries[index]["kind"] == "role":
                raise AccessDenied()
            entry = entries[index]
            await _answer_or_edit(query, t("roadmap.person.ask", raw=entry["raw"]),
                                  kb.draft_person(t, draft.id, index, entry["candidates"]))
        elif action in ("pick", "skip"):
            items_service.choose_person(draft, index,
                                        callback_data.choice if action == "pick" else None)
            text, markup = people_view(draft, t)
            await _answer_or_edit(query, text, markup)
        elif action == "invite":
            entries = draft.payload["people"]
            if not 0 <= index < len(entries):
                raise AccessDenied()
            programme = await session.get(Programme, draft.programme_id)
            link = await invitations.create(
                session, organisation_id=programme.organisation_id, role="curator",
                expires_in=INVITE_LIFETIME, max_uses=1)
            me = await bot.me()
            await query.answer()
            await query.message.answer(t("roadmap.person.invite", raw=entries[index]["raw"],
                                         link=invitations.deep_link(me.username, link.token),
                                         days=INVITE_LIFETIME.days))
        elif action == "save":
            result = await items_service.confirm_draft(session, draft)
            await query.answer()
            await query.message.edit_text(t("roadmap.saved", new=result.new,
                                            updated=result.updated, removed=len(result.removed)))
        elif action == "drop":
            await session.delete(draft)
            await query.answer()
            await query.message.edit_text(t("roadmap.dropped"))
        else:
            raise AccessDenied()

    @router.message(RoadmapInput.fix, F.text)
    async def deadline_given(message: Message, session: AsyncSession, user: User,
                             state: FSMContext, t: BoundTranslator) -> None:
        data = await state.get_data()
        draft = await items_service.require_draft(session, user.id, data.get("draft_id", 0))
        programme = await session.get(Programme, draft.programme_id)
        try:
            item = items_service.fix_deadline(draft, programme, data.get("index", -1),
                                              message.text)
        except DomainError as exc:
            await message.answer(t(exc.key, **exc.params))
            return
        await state.clear()
        await message.answer(t("roadmap.fixed", number=item["number"] or "—",
                               dates=_dates(t, item["start"], item["end"], item["kind"])))
        await message.answer(await preview_text(session, draft, t),
                             reply_markup=kb.preview(t, draft.id))

    # Responsible people: done, more time.
    @router.callback_query(RoadmapItemCallback.filter())
    async def item_action(query: CallbackQuery, callback_data: RoadmapItemCallback,
                          session: AsyncSession, user: User, state: FSMContext,
                          t: BoundTranslator) -> None:
        item = await status.require_item(session, user.id, callback_data.item_id)
        label = _cut(f"{item.number or ''} {item.title}".strip(), 80)
        if callback_data.action == "done":
            if item.status == "done":
                await query.answer(t.plain("roadmap.done.already"), show_alert=True)
                return
            await state.set_state(RoadmapInput.done_note)
            await state.set_data({"item_id": item.id})
            await query.answer()
            await query.message.answer(t("roadmap.done.ask", item=label),
                                       reply_markup=kb.no_comment(t, item.id))
        elif callback_data.action == "nocomment":
            await status.mark_done(session, item, user.id, comment=None, file_id=None,
                                   now=utcnow())
            await state.clear()
            await query.answer()
            await query.message.answer(t("roadmap.done.saved", item=label))
        elif callback_data.action == "ext":
            await state.set_state(RoadmapInput.ext_reason)
            await state.set_data({"item_id": item.id})
            await query.answer()
            await query.message.answer(t("roadmap.ext.ask_reason", item=label))
        else:
            raise AccessDenied()

    async def _done(message: Message, session: AsyncSession, user: User, state: FSMContext,
                    t: BoundTranslator, comment: str | None, file_id: str | None) -> None:
        item = await status.require_item(session, user.id,
                                         (await state.get_data()).get("item_id", 0))
        await status.mark_done(session, item, user.id, comment=comment, file_id=file_id,
                               now=utcnow())
        await state.clear()
        await message.answer(t("roadmap.done.saved",
                               item=_cut(f"{item.number or ''} {item.title}".strip(), 80)))

    @router.message(RoadmapInput.done_note, F.document)
    async def done_file(message: Message, session: AsyncSession, user: User,
                        state: FSMContext, t: BoundTranslator) -> None:
        await _done(message, session, user, state, t, message.caption, message.document.file_id)

    @router.message(RoadmapInput.done_note, F.text)
    async def done_comment(message: Message, session: AsyncSession, user: User,
                           state: FSMContext, t: BoundTranslator) -> None:
        await _done(message, session, user, state, t, message.text, None)

    @router.message(RoadmapInput.ext_reason, F.text)
    async def ext_reason(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        await state.update_data(reason=message.text[:status.MAX_COMMENT])
        await state.set_state(RoadmapInput.ext_date)
        await message.answer(t("roadmap.ext.ask_date"))

    @router.message(RoadmapInput.ext_date, F.text)
    async def ext_date(message: Message, session: AsyncSession, user: User, state: FSMContext,
                       t: BoundTranslator) -> None:
        data = await state.get_data()
        item = await status.require_item(session, user.id, data.get("item_id", 0))
        programme = await session.get(Programme, item.programme_id)
        try:
            new_date = status.parse_new_date(message.text, programme)
        except DomainError as exc:
            await message.answer(t(exc.key, **exc.params))
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
        item: RoadmapItem = await status.require_curated_item(session, user.id,
                                                              callback_data.item_id)
        label = _cut(f"{item.number or ''} {item.title}".strip(), 80)
        if item.extension_new_date is None:
            await query.answer(t.plain("roadmap.error.no_request"), show_alert=True)
            return
        moved = await status.decide_extension(session, item, callback_data.approve, utcnow())
        await query.answer()
        await query.message.edit_text(
            t("roadmap.ext.approved", item=label, date=moved.strftime("%d.%m.%Y")) if moved
            else t("roadmap.ext.declined", item=label))

    return router
