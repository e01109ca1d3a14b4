"""How big a roadmap file may be, checked before any reader opens it.

A roadmap has at most a few hundred items; Word and Excel files are ZIP archives that a few
kilobytes can unpack into gigabytes of XML (a 10 KB .docx of a million empty paragraphs, a
1.7 MB .xlsx of 90,000 rows took 489 MB to read). So before a reader parses anything:

- an archive's table of contents is read (not its contents): how many members, how many bytes
  they unpack to in total, and how much more that is than the file itself (a member of more
  than `RATIO_FLOOR` bytes unpacking to more than `max_ratio` times its packed size is a
  bomb, however small);
- rows are counted in the raw text or XML (lines of text; `<w:tr>` and `<w:p>` of a Word
  document; `<row>` of a workbook's sheets), within the size limit above.

Time and memory are limited by the worker process that reads the file (isolation.py), which
also refuses to hand back more item text than `max_text_chars` (`check_result`): the bot's own
process keeps only what a roadmap can hold.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from .models import RoadmapParse
from .readers import RoadmapFormatError

MB = 1024 * 1024
RATIO_FLOOR = 1 * MB


@dataclass(frozen=True)
class Limits:
    max_unpacked_bytes: int = 10 * MB  # a 300-item roadmap with long texts: ~1.2 MB
    max_ratio: int = 100  # Word/Excel files unpack 5-35 times
    max_members: int = 1000  # a .docx has ~20, an .xlsx ~10 (more with pictures)
    max_rows: int = 5000  # lines of text, table rows of a document, rows of a workbook
    max_paragraphs: int = 50_000  # paragraphs of a document, table cells' included
    # Text of the items read (what comes back to the bot): 300 items of 1,000 characters; a
    # long real roadmap has 300 of ~300.
    max_text_chars: int = 300_000
    seconds: float = 30.0  # wall time of the worker reading the file
    memory_bytes: int = 256 * MB  # address space the reader may add to what it starts with


DEFAULT_LIMITS = Limits()


class RoadmapLimitError(RoadmapFormatError):
    """The file exceeds a limit. `kind` (unpacked, ratio, archive, rows, text, time, memory) and
    `params` name it for the person; the message is for logs and the command line."""

    def __init__(self, kind: str, params: dict[str, int] | None = None) -> None:
        super().__init__(kind, params or {})  # args: it travels back from the worker pickled
        self.kind = kind
        self.params = params or {}

    def __str__(self) -> str:
        return {
            "unpacked": "the file unpacks to more than {mb} MB; a roadmap needs far less",
            "ratio": "the file unpacks to more than {ratio} times its size (an archive bomb?)",
            "archive": "the file holds more than {members} parts",
            "rows": "the file has more than {rows} rows; a roadmap has a few hundred",
            "text": "the items hold more than {thousand} thousand characters of text",
            "time": "reading the file took longer than {seconds} s",
            "memory": "reading the file needed more than {mb} MB of memory",
        }[self.kind].format(**self.params)


_DOCX_ROW = re.compile(rb"<w:tr[\s>/]")
_DOCX_PARAGRAPH = re.compile(rb"<w:p[\s>/]")
_SHEET_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")


def check(content: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    """Raise RoadmapLimitError when the file is too big to read; say nothing about whether it
    is a roadmap at all (the readers do)."""
    if content.startswith(b"PK"):
        _check_archive(content, limits)
    elif max(content.count(b"\n"), content.count(b"\r")) + 1 > limits.max_rows:
        raise RoadmapLimitError("rows", {"rows": limits.max_rows})


def _check_archive(content: bytes, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        return  # not an archive after all: the readers say so
    if len(members) > limits.max_members:
        raise RoadmapLimitError("archive", {"members": limits.max_members})
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_unpacked_bytes:
        raise RoadmapLimitError("unpacked", {"mb": limits.max_unpacked_bytes // MB})
    bomb = unpacked > limits.max_ratio * max(len(content), 1) or any(
        m.file_size > RATIO_FLOOR and m.file_size > limits.max_ratio * max(m.compress_size, 1)
        for m in members)
    if bomb:
        raise RoadmapLimitError("ratio", {"ratio": limits.max_ratio})
    # Rows counted in the XML itself: unpacking is now known to stay within the size limit.
    for member in members:
        name = member.filename
        if name == "word/document.xml":
            xml = _read(archive, member)
            if len(_DOCX_ROW.findall(xml)) > limits.max_rows:
                raise RoadmapLimitError("rows", {"rows": limits.max_rows})
            if len(_DOCX_PARAGRAPH.findall(xml)) > limits.max_paragraphs:
                raise RoadmapLimitError("rows", {"rows": limits.max_rows})
    rows = sum(len(_SHEET_ROW.findall(_read(archive, m))) for m in members
               if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml"))
    if rows > limits.max_rows:
        raise RoadmapLimitError("rows", {"rows": limits.max_rows})


def check_result(parsed: RoadmapParse, limits: Limits = DEFAULT_LIMITS) -> None:
    """What the reader found must fit a roadmap: its items' text is counted."""
    total = 0
    for item in parsed.items:
        total += sum(len(text or "") for text in (item.number, item.section, item.title,
                                                   item.content, item.result,
                                                   item.deadline.text))
        total += sum(len(name) for name in item.responsible)
        if total > limits.max_text_chars:
            raise RoadmapLimitError("text", {"thousand": limits.max_text_chars // 1000})


def _read(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    try:
        return archive.read(member)
    except (zipfile.BadZipFile, ValueError, NotImplementedError, RuntimeError, OSError):
        return b""  # a broken member: the reader reports the file as unreadable
