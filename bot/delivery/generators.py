"""Every attachment generator, listed once: files made at send time from the plain values an
outbox row stores, in the recipient's language (the calendar file of a meeting, the digest's
chart, a mentor's letter). Nothing registers itself when imported; the Renderer of each
application gets these, bound to that application's translator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.i18n import Translator
from bot.services.lifecycle import letters
from bot.services.meetings import ics
from bot.services.notices import digest
from bot.services.notices.digest_chart import render_chart, series_from_args
from bot.services.region import chart as region_chart
from bot.services.region import digest as region_digest

# async (args, locale) -> (filename, bytes)
AttachmentGenerator = Callable[[Mapping[str, Any], str], Awaitable[tuple[str, bytes]]]


def meeting_ics(translator: Translator) -> AttachmentGenerator:
    async def generate(args: Mapping[str, Any], locale: str) -> tuple[str, bytes]:
        # A calendar file is plain text: nothing HTML-escaped. Rows queued before the summary
        # was translated here carry it.
        summary = ics.stored_summary(args, locale) or translator.plain(
            "meetings.ics.summary", locale,
            kind=translator.plain(f"meetings.kind.{args.get('kind', '')}", locale))
        return ics.filename(args), ics.build_ics(args, summary)
    return generate


def digest_chart(translator: Translator) -> AttachmentGenerator:
    async def generate(args: Mapping[str, Any], locale: str) -> tuple[str, bytes]:
        # Older rows carry their labels, translated when they were queued.
        png = render_chart(
            series_from_args(args),
            meetings_label=str(args.get("meetings_label")
                               or translator.plain("digest.chart_meetings", locale)),
            score_label=str(args.get("score_label")
                            or translator.plain("digest.chart_score", locale)))
        return "digest.png", png
    return generate


def region_digest_chart(translator: Translator) -> AttachmentGenerator:
    async def generate(args: Mapping[str, Any], locale: str) -> tuple[str, bytes]:
        def label(key: str) -> str:
            return translator.plain(f"region.chart.{key}", locale)

        png = region_chart.render_chart(
            args, meetings_label=label("meetings"), weeks_title=label("weeks_title"),
            orgs_title=label("orgs_title"), share_label=label("share"),
            per_week_label=label("per_week"))
        return "region.png", png
    return generate


def letter_pdf(translator: Translator) -> AttachmentGenerator:
    async def generate(args: Mapping[str, Any], locale: str) -> tuple[str, bytes]:
        from bot.delivery import letters_pdf  # fpdf and fonts: only when a letter is drawn

        letter = letters.letter_of(args)
        return letters.filename(1, letter)[3:], letters_pdf.render(letter, translator)
    return generate


FACTORIES: dict[str, Callable[[Translator], AttachmentGenerator]] = {
    ics.GENERATOR: meeting_ics,
    digest.CHART_GENERATOR: digest_chart,
    region_digest.CHART_GENERATOR: region_digest_chart,
    letters.GENERATOR: letter_pdf,
}


def generators(translator: Translator) -> dict[str, AttachmentGenerator]:
    """Every generator, bound to one application's translator."""
    return {name: factory(translator) for name, factory in FACTORIES.items()}
