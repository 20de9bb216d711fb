"""Is this file text at all, and in which encoding?

``read_sample`` checks that a file can be read (exists, permitted, not empty, not a binary file
in disguise) and returns its first bytes; ``detect_encoding`` names the encoding of those bytes.

A Western single-byte file with some UTF-8 lines (one program wrote ISO-8859-1, another
appended UTF-8) gets the encoding ``cp1252+utf-8``: a codec registered here that decodes each
line as UTF-8 when it is valid UTF-8 and as the single-byte encoding otherwise, so no line
turns into mojibake ("GrÃ¶ÃŸe"). ``encoding_issues`` says what the sample showed (mixed lines,
NUL bytes).
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from datensorgfalt.i18n import t
from datensorgfalt.sources.base import Issue, ReadError

SAMPLE_BYTES = 256 * 1024

#: Signatures of binary formats people rename to .csv (or that end up there by mistake).
MAGIC_NUMBERS = {
    b"PK\x03\x04": "zip",  # also xlsx, docx, ods
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "ole",  # xls, doc, encrypted xlsx
    b"%PDF": "pdf",
    b"\x89PNG": "png",
    b"\xff\xd8\xff": "jpeg",
    b"GIF8": "gif",
    b"SQLite format 3\x00": "sqlite",
    b"PAR1": "parquet",
    b"\x1f\x8b": "gzip",
    b"BZh": "bzip2",
    b"7z\xbc\xaf\x27\x1c": "7z",
    b"Rar!": "rar",
    b"\x7fELF": "elf",
    b"MZ": "exe",
}

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Single-byte encodings of Western Europe; charset guesses among these are settled by us.
WESTERN = {"cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "mac_roman", "cp850",
           "ascii", "cp437", "iso8859_9", "cp1254", "mac_latin2", "iso8859_16", "cp1257"}


WESTERN_CHARS = set("€°§²³µ½¼¾±×÷«»„“”‚‘’–—…•·©®™")


@dataclass
class Encoding:
    name: str  # a Python codec name
    bom: bool = False


def special_file(path: Path | str) -> ReadError | None:
    """The error for a pipe, socket or device (reading one blocks or never ends), else None
    (also when the path cannot be looked at: opening it reports that)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = "pipe" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"
    return ReadError("scan.read.not_regular_file", kind=t(f"scan.read.special.{kind}"))


def read_head(path: Path, size: int = SAMPLE_BYTES) -> bytes:
    """The first ``size`` bytes; ReadError for missing, refused or empty files."""
    try:
        with path.open("rb") as handle:
            head = handle.read(size)
    except FileNotFoundError as exc:
        raise ReadError("readers.error.vanished", path=str(path)) from exc
    except PermissionError as exc:
        raise ReadError("readers.error.permission", path=str(path)) from exc
    except IsADirectoryError as exc:
        raise ReadError("readers.error.not_a_file", path=str(path)) from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ReadError("readers.error.not_a_file", path=str(path)) from exc
        reason = exc.strerror or str(exc)
        raise ReadError("readers.error.os", path=str(path), reason=reason) from exc
    if not head:
        raise ReadError("readers.error.empty", path=str(path))
    return head


def read_sample(path: Path, size: int = SAMPLE_BYTES) -> bytes:
    """Like ``read_head``, and ReadError for binary files that only pretend to be text."""
    sample = read_head(path, size)
    kind = binary_kind(sample)
    if kind:
        raise ReadError("readers.error.binary", path=str(path), kind=kind)
    return sample


def utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text without a BOM shows NUL bytes in every second place."""
    head = sample[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    even_nuls, odd_nuls = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nuls > 0.4 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.4 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def binary_kind(sample: bytes) -> str | None:
    """A short name of the binary format, or None when the bytes look like text."""
    if any(sample.startswith(bom) for bom, _name in BOMS) or utf16_without_bom(sample):
        return None
    for magic, kind in MAGIC_NUMBERS.items():
        if sample.startswith(magic) and (kind != "exe" or b"\x00" in sample[:512]):
            return kind
    head = sample[:65536]
    nuls = head.count(0)
    controls = sum(head.count(bytes([c])) for c in range(1, 32) if c not in (9, 10, 12, 13, 27))
    # random bytes hold ~10 % control characters and 0.4 % NULs; text in any encoding almost
    # none, while a text export may carry some NULs (padding): those are read with a finding
    if nuls > max(8, 0.1 * len(head)) or controls > max(8, 0.01 * len(head)):
        return "binary"
    return None


def _decodes(sample: bytes, name: str) -> bool:
    """Does the sample decode, allowing a multi-byte character cut off at its end?"""
    for cut in range(4):
        try:
            sample[: len(sample) - cut].decode(name)
        except UnicodeDecodeError as exc:
            if exc.start < len(sample) - 4:
                return False
            continue
        return True
    return False


def detect_encoding(sample: bytes) -> Encoding:
    """BOM first, then UTF-16 without BOM, then UTF-8, then the best single-byte guess."""
    for bom, name in BOMS:
        if sample.startswith(bom):
            return Encoding(name, bom=True)
    utf16 = utf16_without_bom(sample)
    if utf16:
        return Encoding(utf16)
    if _decodes(sample, "utf-8"):
        return Encoding("utf-8")
    western = "cp1252" if _decodes(sample, "cp1252") else "latin-1"
    if _german_score(sample, DOS) > _german_score(sample, western) + DOS_MARGIN:
        return Encoding(DOS)  # an export of a DOS program (umlauts at 0x81, 0x84, 0x94 ...)
    if _reads_as_western(sample, western):
        return Encoding(_with_utf8_lines(sample, western))
    guess = from_bytes(sample[:65536]).best()
    name = guess.encoding if guess else western
    if name in WESTERN or name.startswith(("utf", "mac")):
        name = western
    return Encoding(_with_utf8_lines(sample, name) if name == western else name)


# -- single-byte text with some UTF-8 lines -----------------------------------------------------

MIXED = "+utf-8"
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")


def utf8_lines(data: bytes) -> int:
    """Lines that hold UTF-8 multi-byte characters and are valid UTF-8."""
    count = 0
    for line in data.splitlines():
        if UTF8_SEQUENCE.search(line):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            count += 1
    return count


def _with_utf8_lines(sample: bytes, western: str) -> str:
    return western + MIXED if utf8_lines(sample) else western


def decode_mixed(data: bytes, base: str, errors: str = "strict") -> str:
    """Each line as UTF-8 if it is valid UTF-8 with multi-byte characters, else as ``base``."""
    if not UTF8_SEQUENCE.search(data):
        return data.decode(base, errors)
    parts = []
    for line in data.splitlines(keepends=True):
        if UTF8_SEQUENCE.search(line):
            try:
                parts.append(line.decode("utf-8"))
                continue
            except UnicodeDecodeError:
                pass
        parts.append(line.decode(base, errors))
    return "".join(parts)


def _mixed_codec(base: str) -> codecs.CodecInfo:
    class Decoder(codecs.BufferedIncrementalDecoder):
        def _buffer_decode(self, data: bytes, errors: str, final: bool) -> tuple[str, int]:
            if not final:  # whole lines only: a line is UTF-8 or not as a whole
                data = data[: max(data.rfind(b"\n"), data.rfind(b"\r")) + 1]
            return decode_mixed(bytes(data), base, errors), len(data)

    def decode(data: bytes, errors: str = "strict") -> tuple[str, int]:
        return decode_mixed(bytes(data), base, errors), len(data)

    info = codecs.lookup(base)
    return codecs.CodecInfo(info.encode, decode, incrementalencoder=info.incrementalencoder,
                            incrementaldecoder=Decoder, name=base + MIXED)


MIXED_BASES = {"cp1252_utf_8": "cp1252", "latin_1_utf_8": "latin-1"}


def _find_mixed(name: str) -> codecs.CodecInfo | None:
    """The codec for ``cp1252+utf-8`` (Python hands the name on as ``cp1252_utf_8``)."""
    base = MIXED_BASES.get(name.replace("-", "_"))
    return _mixed_codec(base) if base else None


codecs.register(_find_mixed)


def encoding_issues(sample: bytes, encoding: Encoding) -> list[Issue]:
    """What the sample shows about the text itself: UTF-8 lines in a single-byte file, NULs."""
    issues = []
    if encoding.name.endswith(MIXED):
        issues.append(Issue("mixed-encoding", "warning", {
            "n": utf8_lines(sample), "encoding": encoding.name.removesuffix(MIXED)}))
    if not encoding.name.startswith("utf-16") and not encoding.name.startswith("utf-32") \
            and (nuls := sample.count(0)):
        issues.append(Issue("nul-bytes", "warning", {"n": nuls}))
    return issues


DOS = "cp850"
DOS_MARGIN = 2  # „quotes“ alone read as cp850 give äquotesô: one umlaut is no evidence
UMLAUTS = set("äöüÄÖÜß")


def _german_score(sample: bytes, name: str) -> int:
    """How German the bytes above 127 read in encoding ``name``: an umlaut counts twice, any
    other Latin letter once, a sign such as „ € ° once, but not between two letters ("M„rz"
    is März in cp850 read as cp1252); control characters and box drawing count against."""
    text = sample[:65536].decode(name, errors="replace")
    score = 0
    for match in HIGH.finditer(text):
        char, at = match.group(), match.start()
        if char in UMLAUTS:
            score += 2
        elif char.isalpha() and ord(char) < 0x250 or char in WESTERN_CHARS and not (
                text[at - 1:at].isalpha() and text[at + 1:at + 2].isalpha()):
            score += 1
        else:
            score -= 1
    return score


HIGH = re.compile(r"[^\x00-\x7f]")


def _reads_as_western(sample: bytes, name: str) -> bool:
    """Most bytes above 127 decode to Western letters (ä, ß, é ...) or common signs (€, °)."""
    high = [c for c in sample[:65536].decode(name, errors="replace") if ord(c) > 127]
    if not high:
        return True
    good = sum(1 for c in high if c in WESTERN_CHARS or (c.isalpha() and ord(c) < 0x250))
    return good >= 0.8 * len(high)
