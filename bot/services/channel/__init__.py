"""The pair's channel: participants of an active pair write to each other through the bot
(docs/pair-channel.md). `relay.py` holds who may write to whom and what is queued; `keyboard.py`
the reply keyboard of a paired person (its labels as translation keys)."""
