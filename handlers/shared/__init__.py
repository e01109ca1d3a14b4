"""Pieces several features' routers use: guards, programme choice, survey steps, time and wake-ups."""
