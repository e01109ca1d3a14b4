"""Materials of a programme (files and links for mentors): the list, adding, deleting."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.callbacks.curator import MaterialAction, MaterialCallback
from bot.db import AsyncSession
from bot.i18n import BoundTranslator
from bot.services.errors import DomainError
from bot.services.people import access
from bot.services.programmes import materials, programmes
from handlers.curator import views as kb
from handlers.shared import confirm
from handlers.shared.guards import curator_router
from handlers.shared.pressed import editable, in_chat
from models import User


class MaterialInput(StatesGroup):
    material = State()


async def show_materials(message: Message, session: AsyncSession, programme_id: int,
                         t: BoundTranslator) -> None:
    card = await programmes.card(session, programme_id)
    items = await materials.of_programme(session, programme_id)
    lines = [t("mat.admin_title", programme=card.title)]
    for item in items:
        lines.append(t("mat.admin_line", title=item.title,
                       kind=t("mat.kind_file") if item.file_id else item.url))
    if not items:
        lines.append(t("mat.admin_empty"))
    await message.answer("\n".join(lines), reply_markup=kb.materials_admin(t, programme_id, items))


def create_router() -> Router:
    router = curator_router("curator_materials")

    # Materials.
    @router.callback_query(MaterialCallback.filter(F.action == MaterialAction.ADD))
    async def material_add(query: CallbackQuery, callback_data: MaterialCallback,
                           session: AsyncSession, user: User, state: FSMContext,
                           t: BoundTranslator) -> None:
        message = in_chat(query)
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        await state.set_state(MaterialInput.material)
        await state.set_data({"programme_id": programme.id})
        await query.answer()
        await message.answer(t("mat.ask"))

    @router.callback_query(MaterialCallback.filter(F.action == MaterialAction.DELETE))
    async def material_delete_ask(query: CallbackQuery, callback_data: MaterialCallback,
                                  session: AsyncSession, user: User, t: BoundTranslator) -> None:
        """Deleting cannot be undone: name the material and ask."""
        message = in_chat(query)
        material = await materials.require_own(session, user.id, callback_data.programme_id,
                                               callback_data.material_id)
        await query.answer()
        await message.answer(
            t("mat.delete_ask", title=material.title), reply_markup=confirm.keyboard(
                t, "mat.delete_yes",
                MaterialCallback(action=MaterialAction.DELETE_CONFIRMED,
                                 programme_id=material.programme_id, material_id=material.id),
                MaterialCallback(action=MaterialAction.KEEP,
                                 programme_id=material.programme_id, material_id=material.id)))

    @router.callback_query(MaterialCallback.filter(F.action == MaterialAction.DELETE_CONFIRMED))
    async def material_delete(query: CallbackQuery, callback_data: MaterialCallback,
                              session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        # Deleted already (a second tap): «gone»; another programme's: refused.
        material = await materials.require_own(session, user.id, callback_data.programme_id,
                                               callback_data.material_id)
        programme_id, title = material.programme_id, material.title
        await materials.delete(session, material)
        await query.answer(t.plain("mat.deleted"))
        await message.edit_text(t("mat.deleted_named", title=title), reply_markup=None)
        await show_materials(message, session, programme_id, t)

    @router.callback_query(MaterialCallback.filter(F.action == MaterialAction.KEEP))
    async def material_keep(query: CallbackQuery, callback_data: MaterialCallback,
                            session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        await access.require_curator(session, user.id, callback_data.programme_id)
        await query.answer()
        await confirm.kept(message, t)

    @router.message(MaterialInput.material, F.document)
    async def material_file(message: Message, session: AsyncSession, user: User,
                            state: FSMContext, t: BoundTranslator) -> None:
        programme = await access.require_curator(session, user.id,
                                                 (await state.get_data()).get("programme_id", 0))
        document = message.document
        assert document is not None  # the F.document filter
        await materials.add_file(session, programme.id, document.file_id,
                                 message.caption or document.file_name)
        await state.clear()
        await message.answer(t("mat.added"))
        await show_materials(message, session, programme.id, t)

    @router.message(MaterialInput.material, F.text)
    async def material_link(message: Message, session: AsyncSession, user: User,
                            state: FSMContext, t: BoundTranslator) -> None:
        programme = await access.require_curator(session, user.id,
                                                 (await state.get_data()).get("programme_id", 0))
        try:
            await materials.add_link(session, programme.id, message.text)
        except DomainError as exc:
            await message.answer(t.with_params(exc.key, exc.params) + "\n" + t("mat.ask"))
            return
        await state.clear()
        await message.answer(t("mat.added"))
        await show_materials(message, session, programme.id, t)

    @router.message(MaterialInput.material)
    async def material_other(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("mat.ask"))

    return router
