"""Documents (pdf, docx, txt, eml, msg): text extraction and a small language guess.

The text is handed on to the privacy scan; nothing here interprets it beyond the language.
"""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

from charset_normalizer import from_bytes

from datensorgfalt.sources.base import ReadError
from datensorgfalt.sources.encoding import special_file

EXTENSIONS = {".pdf", ".docx", ".txt", ".eml", ".msg"}
MAX_TEXT_BYTES = 4 * 1024 * 1024  # more is not needed for a language guess or privacy check
MAX_FREE_TEXT_BYTES = 64 * 1024 * 1024  # ``privacy text FILE``: a text, not a disk image

STOP_WORDS = {
    "de": {"der", "die", "das", "und", "ist", "nicht", "mit", "ich", "sie", "wir", "ein",
           "eine", "für", "auf", "den", "dem", "des", "von", "zu", "im", "bitte", "uns",
           "wie", "auch", "bei", "oder", "ihr", "ihre", "sehr", "geehrte", "geehrter",
           "grüßen", "freundlichen", "vielen", "dank", "können", "wäre", "haben", "wird"},
    "en": {"the", "and", "is", "not", "with", "you", "we", "a", "an", "for", "on", "of",
           "to", "in", "please", "us", "our", "your", "be", "are", "this", "that", "would",
           "regards", "dear", "thank", "thanks", "have", "will", "it", "as", "at", "by"},
}
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def guess_language(text: str) -> str | None:
    """``"de"``, ``"en"`` or None: which stop words are more frequent in the first words."""
    words = [w.lower() for w in WORD.findall(text[:20_000])]
    if len(words) < 3:
        return None
    hits = {lang: sum(w in stop for w in words) for lang, stop in STOP_WORDS.items()}
    best = max(hits, key=hits.get)
    return best if hits[best] >= 2 and hits[best] > min(hits.values()) else None


def decode_text(raw: bytes) -> str:
    if not raw:
        return ""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        best = from_bytes(raw[:200_000]).best()
        encoding = best.encoding if best else "cp1252"
        return raw.decode(encoding, errors="replace")


def read_text_file(path: Path, limit: int = MAX_FREE_TEXT_BYTES) -> bytes:
    """The bytes of a text file; ReadError for a pipe or device (/dev/zero never ends) and for
    a file larger than ``limit``; OSError when it cannot be opened."""
    error = special_file(path)
    if error is not None:
        raise error
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ReadError("readers.error.text_too_big", path=str(path),
                        size=f"{path.stat().st_size / 1024**2:,.0f} MB",
                        limit=f"{limit / 1024**2:,.0f} MB")
    return data


def extract_text(path: Path) -> str:
    """The plain text of a document; ReadError when it cannot be read."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            return _pdf(path)
        if suffix == ".docx":
            return _docx(path)
        if suffix == ".eml":
            return _eml(path)
        if suffix == ".msg":
            return _msg(path)
        with open(path, "rb") as handle:
            return decode_text(handle.read(MAX_TEXT_BYTES))
    except ReadError:
        raise
    except (FileNotFoundError, PermissionError):
        raise
    except Exception as exc:  # each library has its own errors for broken files
        raise ReadError("scan.read.document_broken", reason=f"{type(exc).__name__}: {exc}"[:200]) \
            from exc


def _pdf(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    if reader.is_encrypted:
        raise ReadError("scan.read.document_encrypted")
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _docx(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def _eml(path: Path) -> str:
    with open(path, "rb") as handle:
        message = email.message_from_binary_file(handle, policy=email.policy.default)
    head = [f"{key}: {message[key]}" for key in ("From", "To", "Subject") if message[key]]
    body = message.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body is not None else ""
    if body is not None and body.get_content_type() == "text/html":
        text = re.sub(r"<[^>]+>", " ", text)
    return "\n".join([*head, "", text])


def _msg(path: Path) -> str:
    try:
        import extract_msg
    except ImportError as exc:
        raise ReadError("scan.read.msg_unsupported") from exc
    message = extract_msg.openMsg(str(path))
    try:
        head = [f"From: {message.sender}", f"To: {message.to}", f"Subject: {message.subject}"]
        return "\n".join([*head, "", message.body or ""])
    finally:
        message.close()
