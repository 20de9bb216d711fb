"""Folders of documents and of images, each cataloged as one dataset."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datensorgfalt.sources import documents, images
from datensorgfalt.sources.base import ReadError
from datensorgfalt.sources.locations import safe_text


@dataclass
class CollectionProfile:
    details: dict[str, Any]
    byte_size: int
    fingerprint: str
    problems: list[tuple[Path, BaseException]] = field(default_factory=list)


def signature(root: Path, members: list[Path]) -> str:
    """Cheap identity of a folder's state: names, sizes and modification times."""
    digest = hashlib.sha256()
    for path in members:
        stat = path.stat()
        digest.update(f"{_relative(root, path)}\0{stat.st_size}\0{stat.st_mtime_ns}\n"
                      .encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _relative(root: Path, path: Path) -> str:
    return str(path.relative_to(root))


def _content_digest(root: Path, hashes: list[tuple[Path, str]]) -> str:
    digest = hashlib.sha256()
    for path, sha in sorted(hashes, key=lambda item: _relative(root, item[0])):
        digest.update(f"{_relative(root, path)}\0{sha}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def profile_documents(root: Path, members: list[Path], text_folder: Path,
                      sha256, extract=documents.extract_text) -> CollectionProfile:
    """Extract every document's text into ``text_folder``; language per document."""
    entries, problems, hashes = [], [], []
    languages: Counter[str] = Counter()
    text_folder.mkdir(parents=True, exist_ok=True)
    for path in members:
        relative = safe_text(_relative(root, path))
        try:
            sha = sha256(path)
            text = extract(path)
        except (ReadError, OSError) as exc:
            problems.append((path, exc))
            continue
        hashes.append((path, sha))
        language = documents.guess_language(text)
        languages[language or "unbekannt"] += 1
        text_path = text_folder / (hashlib.sha256(relative.encode()).hexdigest()[:16] + ".txt")
        text_path.write_text(text, "utf-8", errors="replace")
        entries.append({"path": relative, "size": path.stat().st_size, "language": language,
                        "format": path.suffix.lower().lstrip("."), "sha256": sha,
                        "characters": len(text), "text_path": str(text_path)})
    kept = {Path(e["text_path"]).name for e in entries}
    for stale in text_folder.glob("*.txt"):  # texts of documents no longer in the folder
        if stale.name not in kept:
            stale.unlink(missing_ok=True)
    details = {
        "count": len(entries),
        "formats": dict(Counter(e["format"] for e in entries)),
        "languages": dict(languages),
        "documents": entries,
    }
    size = sum(e["size"] for e in entries)
    return CollectionProfile(details, size, _content_digest(root, hashes), problems)


def profile_images(root: Path, members: list[Path], sha256,
                   describe=images.describe_image) -> CollectionProfile:
    """Count, formats, pixel sizes and labels (the sub-folder an image lies in)."""
    formats: Counter[str] = Counter()
    labels: Counter[str] = Counter()
    sizes: Counter[str] = Counter()
    problems, hashes = [], []
    widths, heights, total = [], [], 0
    for path in members:
        try:
            info = describe(path)
            hashes.append((path, sha256(path)))
        except (ReadError, OSError) as exc:
            problems.append((path, exc))
            continue
        formats[info["format"] or path.suffix.lower().lstrip(".")] += 1
        sizes[f"{info['width']}x{info['height']}"] += 1
        widths.append(info["width"])
        heights.append(info["height"])
        total += path.stat().st_size
        relative = path.relative_to(root)
        if len(relative.parts) > 1:
            labels[safe_text(relative.parts[0])] += 1
    details = {
        "count": len(hashes),
        "formats": dict(formats),
        "labels": dict(labels),
        "sizes": dict(sizes.most_common(10)),
        "width": {"min": min(widths, default=None), "max": max(widths, default=None)},
        "height": {"min": min(heights, default=None), "max": max(heights, default=None)},
    }
    return CollectionProfile(details, total, _content_digest(root, hashes), problems)
