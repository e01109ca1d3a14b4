"""Translations: `<lang>/LC_MESSAGES/*.po`, Russian first, English second. A package so that the
catalogues install with the bot and are found through importlib.resources (bot/i18n.py)."""
