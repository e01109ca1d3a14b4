"""QR codes of invitation links, to print for a staff room."""

from __future__ import annotations

from io import BytesIO


def qr_png(text: str, scale: int = 10) -> bytes:
    import segno  # imported when a QR code is drawn: most processes never do

    buffer = BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
