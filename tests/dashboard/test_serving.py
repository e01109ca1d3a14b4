"""Where the dashboard is served: on the webhook server in webhook mode (the same port as the
updates), on a small server of its own beside polling; nowhere without DASHBOARD_URL."""

from __future__ import annotations

import aiohttp
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot.runtime.dashboard_server import dashboard_server
from bot.runtime.factory import create_application, create_bot
from bot.runtime.webhook import build_web_app
from models.migrate import upgrade_async

DASHBOARD = "https://bot.school.example/dashboard/"
TOKEN = "123456789:EMULATOR-token"


async def test_webhook_mode_serves_the_dashboard_beside_the_updates(settings):
    await upgrade_async(settings.database_url)
    for url, page_status in ((DASHBOARD, 200), (None, 404)):
        application = create_application(settings.model_copy(update={
            "webhook_secret": SecretStr("s3cret"), "webhook_url": "https://bot.school.example/telegram",
            "dashboard_url": url}))
        bot = create_bot(application.settings, token=TOKEN)
        try:
            web_app = build_web_app(application, bot, set_webhook=False)
            web_app.on_startup.clear()  # no Bot API here: only the routes are looked at
            web_app.on_cleanup.clear()
            async with TestClient(TestServer(web_app)) as client:
                assert (await client.get("/dashboard/")).status == page_status
                assert (await client.get("/dashboard/api/session")).status in (401, 404)
                assert (await client.post("/telegram")).status == 401  # updates as before
        finally:
            await bot.session.close()
            await application.close()


async def test_polling_mode_starts_a_small_server_only_when_configured(settings):
    await upgrade_async(settings.database_url)
    application = create_application(settings.model_copy(update={"dashboard_url": DASHBOARD}))
    bot = create_bot(application.settings, token=TOKEN)
    try:
        async with dashboard_server(application, bot, port=0) as port:
            assert port
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{port}/dashboard/") as page:
                    assert page.status == 200
                    assert "frame-ancestors" in page.headers["Content-Security-Policy"]
                async with http.get(f"http://127.0.0.1:{port}/dashboard/api/session") as api:
                    assert api.status == 401
        unconfigured = create_application(settings)
        try:
            async with dashboard_server(unconfigured, bot) as none:
                assert none is None
        finally:
            await unconfigured.close()
    finally:
        await bot.session.close()
        await application.close()
