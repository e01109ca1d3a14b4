"""Callback data of every button, one module per feature: short prefixes and ids only (Telegram allows 64 bytes); actions are Enums."""
