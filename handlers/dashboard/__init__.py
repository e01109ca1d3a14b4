"""The curator's dashboard: a Telegram Mini App served by the bot's own aiohttp server (the
webhook app, or a small server in polling mode). `http.py` holds its routes, `init_data.py`
checks who is asking, `views.py` turns services' data into JSON, `router.py` the /dashboard
command; `static/` the page itself."""
