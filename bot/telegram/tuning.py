"""Every use of aiogram's internals, in one module: what aiogram does not offer through its
public API and the bot needs (the polling loop) or measurably gains (the rest).

Each piece stays only while bench/updates.py shows it is worth it (figures in bench/README.md,
«aiogram tuning»), and each of the optional ones can be switched off to measure again or to run
on an aiogram that changed: `MENTORBOT_TUNING_OFF=response_types,json_requests` (names below).
tests/test_aiogram_tuning.py fails, naming the piece, when the installed aiogram lacks an
internal one relies on; pyproject.toml pins aiogram to the minor versions that test has passed on.

- `lazy_types` — aiogram ends `aiogram/types/__init__.py` with a loop calling `model_rebuild()`
  on its ~400 Telegram types (declared with pydantic's `defer_build=True`), which builds them
  all: ~110 MB and seconds of start-up. Importing aiogram with that loop's builds skipped leaves
  each type to be built on first use, as `defer_build` intends; the loop's namespace is added to
  the types' modules so a lazy build resolves the same forward references. bot/__init__.py puts
  an import hook in place (`defer_aiogram_lazily`) that does this when aiogram is first imported,
  so a process that never needs aiogram (the command line reporting a bad setting) does not
  import it; if aiogram was imported before `bot`, it was built as aiogram ships it.
- `response_types` — aiogram validates each Bot API answer with `Response[method.__returning__]`,
  a parametrised pydantic class that pydantic caches only weakly: rebuilt after each garbage
  collection, ~2–4 ms of CPU per API call. The common ones are built once and held.
- `json_requests` — requests as one JSON body (orjson) instead of aiogram's form, whose nested
  values are each JSON-encoded, then URL-encoded through a multipart writer per request: uses
  the session's `prepare_value(..., _dumps_json=False)` (bot/telegram/session.py).
- `inline_filters` — aiogram runs a synchronous filter (magic filters such as `F.text` included)
  in a thread (`asyncio.to_thread`) on every check; ours are cheap and pure, so they are made
  coroutine functions once the routers are built: the `CallableObject`s of every observer's
  handlers and of its router-level `_handler`.
- `router_index` — aiogram offers an update to every router in turn, and each one runs its
  filters (and builds its middleware chain) before the next is asked: ~30 routers for a
  button pressed in the last one. `IndexedRouter` (the root, bot/runtime/routers.py) reads,
  once, what each of its sub-routers can take at all: the callback data prefixes of its
  button handlers (CallbackData filters), the conversation states of its message handlers
  (State, StatesGroup and StateFilter filters) and whether they need a command; an update
  then visits only the sub-routers one of whose handlers might take it, in the same order.
  A handler whose filters say nothing of that (a magic filter on the text, a catch-all) makes
  its router a candidate for everything, so a router added later works unchanged.
- `plain_buttons` — an inline button of a text and callback data (every question of a
  questionnaire shows 3–12) made as a copy of a validated prototype with those two fields set,
  not validated by pydantic field by field: ~1.5 µs instead of ~7 µs a button
  (`callback_button`; equal to the validated one in every way tests/test_request_bodies.py
  checks). Decided once per process.
- the listen loop (not optional) — long polling that keeps fetched updates in the update journal
  before the next getUpdates confirms them (bot/runtime/polling.py) replaces the Dispatcher's
  `_listen_updates`, the generator its `_polling` reads; aiogram has no public hook there."""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import inspect
import logging
import os
import sys
from collections.abc import AsyncGenerator, Callable, Iterator, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher, Router
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.session.base import BaseSession
    from aiogram.dispatcher.event.handler import CallableObject
    from aiogram.methods import TelegramMethod
    from aiogram.types import InlineKeyboardButton, Update
    from pydantic import BaseModel

logger = logging.getLogger("mentorbot.tuning")

_lazy = {"applied": False}
OPTIONAL = ("lazy_types", "response_types", "json_requests", "inline_filters", "router_index",
            "young_gc", "plain_buttons")
TYPES_PACKAGE = "aiogram.types"


def enabled(piece: str) -> bool:
    assert piece in OPTIONAL, piece
    off = {p.strip() for p in os.environ.get("MENTORBOT_TUNING_OFF", "").split(",")}
    return piece not in off


# --- lazy_types ---------------------------------------------------------------------------------

def defer_aiogram_lazily() -> bool:
    """Makes the first import of aiogram, whenever and wherever it happens, leave its types'
    builds deferred (an import hook, put in place by bot/__init__.py). A process that never needs
    aiogram (the command line reporting a setting's error, a benchmark without a bot) no longer
    pays its import (~0.7 s of CPU). True if the hook is in place."""
    if TYPES_PACKAGE in sys.modules or "aiogram" in sys.modules or not enabled("lazy_types"):
        return False
    if not any(isinstance(finder, _AiogramFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AiogramFinder())
    return True


class _AiogramFinder(importlib.abc.MetaPathFinder):
    """Finds `aiogram` through the other finders and hands its loader to `_DeferringLoader`."""

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != "aiogram":
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec = find(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _DeferringLoader(spec.loader, self)
                return spec
        return None


class _DeferringLoader(importlib.abc.Loader):
    """aiogram's own loader, run with the types' builds deferred; once aiogram is loaded, its
    module and spec name aiogram's own loader again and the hook is gone."""

    def __init__(self, loader: importlib.abc.Loader, finder: _AiogramFinder) -> None:
        self.loader = loader
        self.finder = finder

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        module.__loader__ = self.loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        _with_builds_deferred(lambda: self.loader.exec_module(module))
        if self.finder in sys.meta_path:
            sys.meta_path.remove(self.finder)


def _with_builds_deferred(load: Callable[[], None]) -> bool:
    """Runs `load` (aiogram's import) with the builds of aiogram's types skipped; True if any
    were."""
    from pydantic import BaseModel

    eager = BaseModel.__dict__["model_rebuild"]
    namespaces: list[dict[str, Any]] = []

    def deferring_rebuild(cls: type[BaseModel], /, **kwargs: Any) -> bool | None:
        namespace = kwargs.get("_types_namespace")
        if not cls.__module__.startswith(TYPES_PACKAGE + ".") or namespace is None:
            return eager.__func__(cls, **kwargs)
        if not namespaces:
            namespaces.append(dict(namespace))
        return None  # built on first use

    BaseModel.model_rebuild = classmethod(deferring_rebuild)  # type: ignore[assignment]  # patched
    try:
        load()
    finally:
        BaseModel.model_rebuild = eager  # type: ignore[method-assign]  # restored
    if not namespaces:  # an aiogram without that loop: nothing was deferred
        logger.warning("tuning lazy_types: aiogram built its types at import (no rebuild loop)")
        return False
    _lazy["applied"] = True
    # Only now, so that the methods' models, defined while aiogram was imported, could not
    # resolve the types either and are deferred too.
    for name, module in list(sys.modules.items()):
        if name.startswith(TYPES_PACKAGE + ".") and module is not None:
            for key, value in namespaces[0].items():
                module.__dict__.setdefault(key, value)
    return True


def build_common_types() -> None:
    """Build, before the first update, what nearly every update needs: the update itself and the
    requests a reply makes. Built lazily, they cost the first person after a start ~200 ms."""
    from aiogram import methods, types

    for model in (types.Update, methods.SendMessage, methods.EditMessageText,
                  methods.AnswerCallbackQuery, methods.EditMessageReplyMarkup,
                  methods.DeleteMessage, types.InlineKeyboardMarkup, types.ReplyKeyboardMarkup):
        model.model_rebuild()


# --- response_types -------------------------------------------------------------------------------

_pinned: list[Any] = []
# What handlers and the sender call all the time (building all ~185 would cost seconds).
COMMON_METHODS = ("GetUpdates", "SendMessage", "EditMessageText", "EditMessageReplyMarkup",
                  "AnswerCallbackQuery", "DeleteMessage", "SendDocument", "SendPhoto",
                  "SendChatAction", "GetMe", "SetMyCommands", "SetWebhook", "CopyMessage",
                  "ForwardMessage")


def pin_response_types() -> int:
    if _pinned or not enabled("response_types"):
        return len(_pinned)
    from aiogram import methods
    from aiogram.methods.base import Response

    for name in COMMON_METHODS:
        returning = getattr(getattr(methods, name), "__returning__", None)
        if returning is None:
            continue
        try:
            _pinned.append(Response[returning])  # type: ignore[valid-type]  # built at run time
        except Exception:  # a type pydantic cannot build up front: left to aiogram, as before
            continue
    _pinned.append(Response[list[dict[str, Any]]])  # bot/runtime/polling.py GetRawUpdates
    return len(_pinned)


# --- json_requests --------------------------------------------------------------------------------

def json_request_fields(session: AiohttpSession, bot: Bot, method: TelegramMethod[Any]
                        ) -> dict[str, Any] | None:
    """The request's fields as plain JSON values, or None when it uploads a file (or this
    piece is off): aiogram's own form is used then. Empty values are left out, as its form
    leaves them out."""
    if not enabled("json_requests"):
        return None
    return request_fields(session, bot, method)


def request_fields(session: BaseSession, bot: Bot, method: TelegramMethod[Any]
                   ) -> dict[str, Any] | None:
    """The request's fields as plain JSON values: the short path when it can, the full one
    otherwise; None when it uploads a file."""
    plain = plain_fields(bot, method)
    return plain if plain is not None else dumped_fields(session, bot, method)


def dumped_fields(session: BaseSession, bot: Bot, method: TelegramMethod[Any]
                  ) -> dict[str, Any] | None:
    """Any request's fields through pydantic's dump and aiogram's own preparation of each
    value (defaults, dates, files); None when it uploads a file."""
    files: dict[str, Any] = {}
    body = {}
    for key, value in method.model_dump(warnings=False).items():
        prepared = session.prepare_value(value, bot=bot, files=files, _dumps_json=False)
        if prepared:
            body[key] = prepared
    return None if files else body


_PLAIN = (str, int, float)  # and their subclasses: bool, ParseMode and other enums


def _plain_button(button: Any) -> dict[str, Any] | None:
    """A button whose set fields are all strings, numbers or flags, as its dump would be;
    None for any other (a web app, a login URL, ...): pydantic dumps those."""
    if button.__pydantic_extra__:
        return None
    fields = {}
    for key, value in button.__dict__.items():
        if value is None:
            continue
        if not isinstance(value, _PLAIN):
            return None
        fields[key] = value
    return fields


@functools.cache
def _plain_types() -> tuple[type[Any], type[Any]]:
    from aiogram.client.default import Default
    from aiogram.types import InlineKeyboardMarkup

    return Default, InlineKeyboardMarkup


def plain_fields(bot: Bot, method: TelegramMethod[Any]) -> dict[str, Any] | None:
    """The fields of the common request (text, ids, flags, bot defaults and an inline keyboard
    of plain buttons) without pydantic's dump and aiogram's walk over it: a message with a
    six-button keyboard took ~40 µs that way, twice per pressed button (issue #21). None for
    anything else (a file, entities, nested objects, extra fields): the full path takes it.
    tests/test_request_bodies.py compares the two on every kind of request the bot sends."""
    default, keyboard = _plain_types()
    if method.__pydantic_extra__:
        return None
    body: dict[str, Any] = {}
    for key, value in method.__dict__.items():
        if type(value) is default:
            value = bot.default[value.name]
        if value is None:
            continue
        if isinstance(value, _PLAIN):
            if value:  # the full path leaves out empty and false values too
                body[key] = value
        elif type(value) is keyboard and not value.__pydantic_extra__:
            rows = []
            for row in value.inline_keyboard:
                buttons = [_plain_button(button) for button in row]
                if None in buttons:
                    return None
                rows.append(buttons)
            body[key] = {"inline_keyboard": rows}
        else:
            return None
    return body


# --- plain_buttons --------------------------------------------------------------------------------

@functools.cache
def _button_prototype() -> tuple[type[Any], dict[str, Any], dict[str, Any]] | None:
    """The button class, the fields and the private attributes of a validated button, or None
    (the piece is off, or pydantic keeps its instances otherwise than this copy assumes)."""
    from aiogram.types import InlineKeyboardButton

    if not enabled("plain_buttons"):
        return None
    prototype = InlineKeyboardButton(text="", callback_data="")
    internals = ("__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
    if (not all(hasattr(prototype, name) for name in internals) or prototype.__pydantic_extra__
            or not isinstance(prototype.__pydantic_private__, dict)):
        return None
    return InlineKeyboardButton, dict(prototype.__dict__), dict(prototype.__pydantic_private__)


def callback_button(text: str, callback_data: str) -> InlineKeyboardButton:
    """InlineKeyboardButton(text=text, callback_data=callback_data), made without validating
    the fields one by one (both are strings the bot made) when `plain_buttons` is on."""
    made = _button_prototype()
    if made is None or type(text) is not str or type(callback_data) is not str:
        from aiogram.types import InlineKeyboardButton

        return InlineKeyboardButton(text=text, callback_data=callback_data)
    cls, fields, private = made
    button = object.__new__(cls)
    values = fields.copy()
    values["text"], values["callback_data"] = text, callback_data
    object.__setattr__(button, "__dict__", values)
    object.__setattr__(button, "__pydantic_fields_set__", {"text", "callback_data"})
    object.__setattr__(button, "__pydantic_extra__", {})
    object.__setattr__(button, "__pydantic_private__", private.copy())
    return button


# --- inline_filters -------------------------------------------------------------------------------

def _as_coroutine(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    async def inline(*args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    return inline


def _filters(router: Router) -> Iterator[CallableObject]:
    for observer in router.observers.values():
        handlers = list(observer.handlers)
        own = getattr(observer, "_handler", None)  # the router-level filters of this event
        if own is not None:
            handlers.append(own)
        for handler in handlers:
            yield from handler.filters or ()
    for sub_router in router.sub_routers:
        yield from _filters(sub_router)


def inline_sync_filters(router: Router) -> int:
    """Makes every synchronous filter of `router` and its sub-routers run inline; returns how
    many were changed. Handlers are left alone (a slow one must not block the loop)."""
    if not enabled("inline_filters"):
        return 0
    changed = 0
    for item in _filters(router):
        if not item.awaitable:
            item.callback = _as_coroutine(item.callback)
            item.awaitable = True
            changed += 1
    return changed


# --- router_index ---------------------------------------------------------------------------------

_ANY = None  # a requirement that says nothing: any value passes
_INDEXED = ("message", "callback_query")
_CACHE_LIMIT = 512  # keys remembered per event type (forged callback data must not grow it)


def _unwrapped(callback: Any) -> Any:
    return getattr(callback, "__wrapped__", callback)  # inline_filters wraps sync filters


def _states_of(flt: Any) -> frozenset[str | None] | None | Literal[False]:
    """The states a state filter lets through (None: any); False: not a state filter."""
    from aiogram.filters import StateFilter
    from aiogram.fsm.state import State, StatesGroup

    def one(state: Any) -> frozenset[str | None] | None:
        if state is None or isinstance(state, str):
            return None if state == "*" else frozenset({state})
        if isinstance(state, State):
            return None if state.state == "*" else frozenset({state.state})
        group = type(state) if isinstance(state, StatesGroup) else state
        if inspect.isclass(group) and issubclass(group, StatesGroup):
            return frozenset(group.__all_states_names__)
        raise TypeError(state)

    try:
        if isinstance(flt, StateFilter):
            allowed: set[str | None] = set()
            for state in flt.states:
                names = one(state)
                if names is None:
                    return None
                allowed |= names
            return frozenset(allowed)
        if isinstance(flt, State) or (inspect.isclass(flt) and issubclass(flt, StatesGroup)) \
                or isinstance(flt, StatesGroup):
            return one(flt)
    except TypeError:
        return None  # a state of a kind not known here: it may let anything through
    return False


class _Requirement:
    """What an event must have for one handler (with its routers' own filters) to take it:
    a callback data prefix, a conversation state, a command prefix; None: anything."""

    __slots__ = ("prefixes", "states", "command")

    def __init__(self) -> None:
        self.prefixes: frozenset[str] | None = _ANY
        self.states: frozenset[str | None] | None = _ANY
        self.command: str | None = _ANY  # the characters a command may start with

    def narrowed(self, filters: Any) -> _Requirement:
        from aiogram.filters import Command
        from aiogram.filters.callback_data import CallbackQueryFilter

        out = _Requirement()
        out.prefixes, out.states, out.command = self.prefixes, self.states, self.command
        for item in filters or ():
            flt = _unwrapped(item.callback)
            if isinstance(flt, CallbackQueryFilter):
                data = flt.callback_data
                if getattr(data, "__separator__", ":") == ":":
                    mine = frozenset({data.__prefix__})
                    out.prefixes = mine if out.prefixes is None else out.prefixes & mine
            elif isinstance(flt, Command):
                prefix = str(flt.prefix)
                out.command = prefix if out.command is None else "".join(
                    c for c in out.command if c in prefix)
            else:
                states = _states_of(flt)
                if states is not False:
                    if states is not None:
                        out.states = states if out.states is None else out.states & states
        return out

    def admits(self, update_type: str, key: tuple[Any, ...]) -> bool:
        if update_type == "callback_query":
            return self.prefixes is None or key[0] in self.prefixes
        state, first = key
        if self.states is not None and state not in self.states:
            return False
        return self.command is None or (first is not None and first in self.command)


def _requirements(router: Router, update_type: str, above: _Requirement
                  ) -> tuple[list[_Requirement], bool]:
    """Every handler's requirement in `router` and below, and whether an outer middleware
    there sees every event of the type (then the router is always visited)."""
    observer = router.observers[update_type]
    own = above.narrowed(observer._handler.filters)
    found = [own.narrowed(handler.filters) for handler in observer.handlers]
    always = bool(observer.outer_middleware._middlewares)
    for sub in router.sub_routers:
        more, sub_always = _requirements(sub, update_type, own)
        found += more
        always |= sub_always
    return found, always


def _first_char(event: Any) -> str | None:
    text = getattr(event, "text", None) or getattr(event, "caption", None)
    return text[0] if text else None


def indexed_router_class() -> type[Router]:
    """The root router class for bot/runtime/routers.py (aiogram's Router when the piece is
    off)."""
    from aiogram import Router
    from aiogram.dispatcher.event.bases import REJECTED, UNHANDLED

    if not enabled("router_index"):
        return Router

    class IndexedRouter(Router):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._index: dict[str, tuple[list[tuple[Router, list[_Requirement], bool]],
                                         dict[tuple[Any, ...], tuple[Router, ...]]]] = {}
            self._indexed_routers: tuple[Router, ...] = ()

        def _candidates(self, update_type: str, event: Any, kwargs: dict[str, Any]
                        ) -> tuple[Router, ...] | list[Router]:
            if update_type not in _INDEXED:
                return self.sub_routers
            if self._indexed_routers != tuple(self.sub_routers):  # built, or routers added
                self._index.clear()
                self._indexed_routers = tuple(self.sub_routers)
            if update_type not in self._index:
                self._index[update_type] = (
                    [(sub, *_requirements(sub, update_type, _Requirement()))
                     for sub in self.sub_routers], {})
            routers, cache = self._index[update_type]
            if update_type == "callback_query":
                data = getattr(event, "data", None)
                key: tuple[Any, ...] = (data.partition(":")[0] if data else None,)
            else:
                key = (kwargs.get("raw_state"), _first_char(event))
            found = cache.get(key)
            if found is None:
                found = tuple(sub for sub, needs, always in routers
                              if always or any(n.admits(update_type, key) for n in needs))
                if len(cache) < _CACHE_LIMIT:
                    cache[key] = found
            return found

        async def _propagate_event(self, observer: Any, update_type: str, event: Any,
                                   **kwargs: Any) -> Any:
            # aiogram's Router._propagate_event, visiting only the candidate sub-routers.
            response = UNHANDLED
            if observer:
                result, data = await observer.check_root_filters(event, **kwargs)
                if not result:
                    return UNHANDLED
                kwargs.update(data)
                response = await observer.trigger(event, **kwargs)
                if response is REJECTED:
                    return UNHANDLED
                if response is not UNHANDLED:
                    return response
            for router in self._candidates(update_type, event, kwargs):
                response = await router.propagate_event(update_type=update_type, event=event,
                                                        **kwargs)
                if response is not UNHANDLED:
                    break
            return response

    return IndexedRouter


# --- the listen loop ------------------------------------------------------------------------------

def listen_loop_hook(dispatcher_class: type[Dispatcher]) -> type[Dispatcher]:
    """A Dispatcher subclass whose polling reads updates from `self.listen_updates(bot, ...)`
    (defined by the subclass of the result) instead of aiogram's own `_listen_updates`."""

    class ListenLoopHook(dispatcher_class):  # type: ignore[valid-type,misc]  # a class argument
        def _listen_updates(self, bot: Bot, *args: Any, **kwargs: Any
                            ) -> AsyncGenerator[Update, None]:
            return self.listen_updates(bot, *args, **kwargs)

    return ListenLoopHook


# --- what the installed aiogram must have ----------------------------------------------------------

def missing_internals() -> list[str]:
    """What the installed aiogram lacks of the internals the tuning relies on, one line each
    naming the piece; empty when everything is there."""
    from aiogram import Dispatcher, Router
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.dispatcher.event.handler import CallableObject

    problems = []
    if enabled("lazy_types") and not _lazy["applied"]:
        problems.append("lazy_types: aiogram.types were built at import (its rebuild loop with "
                        "_types_namespace changed, or aiogram was imported before bot)")
    try:
        from aiogram.methods import SendMessage
        from aiogram.methods.base import Response

        Response[SendMessage.__returning__]  # type: ignore[valid-type]  # built at run time
    except Exception as exc:
        problems.append(f"response_types: aiogram.methods.base.Response[T] unusable ({exc})")
    parameters = inspect.signature(AiohttpSession.prepare_value).parameters
    if "_dumps_json" not in parameters:
        problems.append("json_requests: AiohttpSession.prepare_value has no _dumps_json")
    for name in ("check_response", "create_session"):
        if not hasattr(AiohttpSession, name):
            problems.append(f"json_requests: AiohttpSession.{name} is gone")
    observer = Router().message
    if not hasattr(observer, "_handler") or not hasattr(observer._handler, "filters"):
        problems.append("inline_filters: TelegramEventObserver._handler (router filters) is gone")
    if enabled("router_index"):
        source = inspect.getsource(Router._propagate_event)
        if "check_root_filters" not in source or "self.sub_routers" not in source:
            problems.append("router_index: Router._propagate_event changed (the index copies it)")
        if not hasattr(observer, "outer_middleware") or not hasattr(
                observer.outer_middleware, "_middlewares"):
            problems.append("router_index: an observer's outer middlewares are not listed")
    fields = {f.name for f in getattr(CallableObject, "__dataclass_fields__", {}).values()}
    if not {"callback", "awaitable"} <= fields:
        problems.append("inline_filters: CallableObject has no callback/awaitable fields")
    listen = getattr(Dispatcher, "_listen_updates", None)
    polling = inspect.getsource(Dispatcher._polling) if hasattr(Dispatcher, "_polling") else ""
    if listen is None or "self._listen_updates(" not in polling:
        problems.append("listen loop: Dispatcher._polling no longer reads self._listen_updates")
    elif [p for p in inspect.signature(listen).parameters if p not in ("self", "cls")][:4] != [
            "bot", "polling_timeout", "backoff_config", "allowed_updates"]:
        problems.append("listen loop: Dispatcher._listen_updates takes other arguments: "
                        f"{list(inspect.signature(listen).parameters)}")
    return problems
