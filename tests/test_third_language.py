"""Adding a language is adding a catalogue directory: with a copy of the English catalogues as
German (each text marked «[de] »), the unchanged code offers German, shows a survey question,
the command menu and the language menu in it, and accepts it as a person's and the default
language. Run in a fresh interpreter whose `locales` package is the temporary one, as a
deployment that ships one more directory would be."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
MARK = "[de] "

PROBE = """
import json
from bot.telegram.commands import EVERYONE, _menu
from bot.config import SUPPORTED_LOCALES, Settings
from bot.i18n import LOCALES_DIR, create_translator, pick_locale
from handlers.general.views import language_keyboard
from bot.services.surveys import load_definitions, render_intro, render_prompt, render_title
from bot.services.people.users import set_locale

translator = create_translator(strict=True)
texts = translator.bind("de").plain
survey = load_definitions().get("meeting_feedback")
print(json.dumps({
    "locales_dir": str(LOCALES_DIR),
    "supported": SUPPORTED_LOCALES,
    "catalogues": translator.locales,
    "title": render_title(survey, texts),
    "intro": render_intro(survey, texts),
    "question": render_prompt(survey, survey.questions[1], {}, texts),
    "menu": [command.description for command in _menu(translator, EVERYONE, "de")],
    "welcome": translator.get("start.welcome", "de"),
    "languages": [button.text for row in language_keyboard(translator.bind("ru")).inline_keyboard
                  for button in row],
    "picked": pick_locale(None, "de-AT", "ru"),
    "default": Settings(bot_token="1:x", default_locale="de").default_locale,
}))
"""


def _german_copy_of_english(source: Path, target: Path) -> None:
    target.mkdir(parents=True)
    for path in sorted(source.glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale="en")
        catalog.locale = "de"
        for message in catalog:
            if not message.id:
                continue
            if isinstance(message.string, tuple):
                message.string = tuple(MARK + text for text in message.string)
            else:
                message.string = MARK + message.string
        with (target / path.name).open("wb") as handle:
            write_po(handle, catalog, width=0)


def test_a_third_language_is_a_catalogue_directory(tmp_path):
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales, ignore=shutil.ignore_patterns("__pycache__"))
    _german_copy_of_english(ROOT / "locales" / "en" / "LC_MESSAGES", locales / "de" / "LC_MESSAGES")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join((str(tmp_path), str(ROOT)))}
    for name in [name for name in environment if name.startswith(("BOT_", "DEFAULT_"))]:
        environment.pop(name)
    done = subprocess.run([sys.executable, "-c", PROBE], env=environment, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)

    assert Path(seen["locales_dir"]).resolve() == locales.resolve()
    assert seen["supported"] == seen["catalogues"] == ["ru", "de", "en"]
    assert seen["title"] == MARK + "Meeting feedback"
    assert seen["intro"].startswith(MARK + "A few questions about your last meeting")
    assert seen["question"].split("\n\n") == [
        MARK + "Question 2 of 3", MARK + "What was most valuable about the meeting?",
        MARK + "Tick all the options that apply and press “Done”."]
    assert seen["menu"] and all(text.startswith(MARK) for text in seen["menu"])
    assert seen["welcome"].startswith(MARK)
    assert seen["languages"] == ["Русский", MARK + "English", "English"]
    assert seen["picked"] == seen["default"] == "de"
