"""Finding what to scan: files under folders (symlinks followed once, never in a loop),
grouped into units of work: one table file, one folder of documents, one folder of images,
one database URL."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from datensorgfalt.sources.postgres import is_database_url
from datensorgfalt.sources.registry import classify

SKIP_FOLDERS = {"__pycache__", "node_modules"}


@dataclass
class Unit:
    """One unit of work for the scan, committed in one transaction."""

    kind: str  # table | documents | images | database | missing
    path: Path | None = None  # file, or root folder of a collection
    members: list[Path] = field(default_factory=list)
    url: str | None = None
    fragment: dict[str, str] = field(default_factory=dict)  # images beside documents
    error: BaseException | None = None  # found broken while discovering (dangling link ...)


@dataclass
class Discovery:
    units: list[Unit]
    roots: list[Path]  # folders and files scanned: datasets below them that are gone = deleted
    urls: list[str]


def discover(targets: list[str], skip: Path | None = None) -> Discovery:

    units: list[Unit] = []
    roots: list[Path] = []
    urls: list[str] = []
    for target in targets:
        if is_database_url(target):
            urls.append(target)
            units.append(Unit("database", url=target))
            continue
        path = Path(os.path.abspath(target))
        roots.append(path)
        if not path.exists() and not path.is_symlink():
            units.append(Unit("missing", path=path, error=FileNotFoundError(str(path))))
        elif path.is_dir():
            units.extend(_units(_walk(path, skip), path))
        else:
            units.extend(_units(iter([path]), path.parent))
    return Discovery(units, roots, urls)


def _walk(root: Path, skip: Path | None) -> Iterator[Path]:
    seen: set[str] = set()
    for folder, dirnames, filenames in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:  # a symlink loop or a second way to the same folder
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = sorted(
            d for d in dirnames
            if not d.startswith(".") and d not in SKIP_FOLDERS
            and (skip is None or Path(folder, d) != skip)
            and os.path.realpath(os.path.join(folder, d)) not in seen
        )
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(folder, name)


def _units(files: Iterator[Path], top: Path) -> list[Unit]:
    units: list[Unit] = []
    documents: dict[Path, list[Path]] = defaultdict(list)
    images: dict[Path, list[Path]] = defaultdict(list)
    for path in files:
        try:
            kind = classify(path)
            if kind is None and not path.exists():
                raise FileNotFoundError(str(path))
        except OSError as exc:
            units.append(Unit("table", path=path, error=exc))
            continue
        if kind == "table":
            units.append(Unit("table", path=path))
        elif kind == "document":
            documents[path.parent].append(path)
        elif kind == "image":
            images[path.parent].append(path)
    for folder, members in sorted(documents.items()):
        units.append(Unit("documents", path=folder, members=members))
    for unit in _image_units(images, top):
        if unit.path in documents:
            unit.fragment = {"kind": "images"}
        units.append(unit)
    return units


def _image_units(images: dict[Path, list[Path]], top: Path) -> list[Unit]:
    """Image folders whose parent holds no images itself are grouped under the parent; the
    sub-folder names become labels (bilder/pruefung/ok, bilder/pruefung/defekt)."""
    grouped: dict[Path, list[Path]] = defaultdict(list)
    for folder, members in images.items():
        parent = folder.parent
        inside = parent == top or top in parent.parents
        root = parent if inside and parent not in images and folder != top else folder
        grouped[root].extend(members)
    return [Unit("images", path=root, members=sorted(members))
            for root, members in sorted(grouped.items())]
