"""Finding what to scan: files under folders, grouped into units of work: one table file, one
folder of documents, one folder of images, one database URL.

Only regular files are read: a pipe or a device (a link to /dev/zero named ``x.csv``) would
block or never end; with a name the scan reads they become a finding. A folder that cannot be
listed is reported, and what was cataloged below it stays as it was. Symlinks are followed
once, never in a loop, and only inside the scanned folder unless ``follow_links`` (the scan
says which links it did not follow).
"""

from __future__ import annotations

import errno
import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from datensorgfalt.i18n import t
from datensorgfalt.sources.base import ReadError
from datensorgfalt.sources.documents import EXTENSIONS as DOCUMENT_EXTENSIONS
from datensorgfalt.sources.encoding import special_file
from datensorgfalt.sources.images import EXTENSIONS as IMAGE_EXTENSIONS
from datensorgfalt.sources.locations import file_location, safe_text
from datensorgfalt.sources.postgres import is_database_url
from datensorgfalt.sources.registry import TABLE_EXTENSIONS, classify

SKIP_FOLDERS = {"__pycache__", "node_modules"}


@dataclass
class Unit:
    """One unit of work for the scan, committed in one transaction."""

    kind: str  # table | documents | images | database | missing | folder (not listable)
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
    unlisted: list[Path] = field(default_factory=list)  # folders that could not be listed
    notes: list[dict] = field(default_factory=list)  # links not followed


@dataclass
class _Walk:
    """What a walk met besides files: folders it could not list, links it did not follow."""

    follow_links: bool
    unlisted: list[tuple[Path, OSError]] = field(default_factory=list)
    links: list[tuple[Path, str]] = field(default_factory=list)


def discover(targets: list[str], skip: Path | None = None,
             follow_links: bool = False) -> Discovery:

    units: list[Unit] = []
    roots: list[Path] = []
    urls: list[str] = []
    walk = _Walk(follow_links)
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
            units.extend(_units(_walk(path, skip, walk), path))
        else:
            units.extend(_units(iter([path]), path.parent, explicit=True))
    for folder, exc in walk.unlisted:
        units.append(Unit("folder", path=folder, error=ReadError(
            "scan.read.folder_unreadable", reason=_reason(exc))))
    notes = [{"location": file_location(link), "code": "link-not-followed",
              "message": t("scan.note.link_not_followed", target=target)}
             for link, target in walk.links]
    return Discovery(units, roots, urls, [folder for folder, _ in walk.unlisted], notes)


def _reason(exc: OSError) -> str:
    """Why a folder could not be listed, in the user's words where we have them."""
    name = errno.errorcode.get(exc.errno or 0, "").lower()
    key = f"scan.read.reason.{name}"
    text = t(key)
    return text if text != key else safe_text(exc.strerror or str(exc))


def _walk(root: Path, skip: Path | None, walk: _Walk) -> Iterator[Path]:
    seen: set[str] = set()
    inside = os.path.realpath(root)

    def allowed(path: str) -> bool:
        """Not a link, or a link that stays inside the scanned folder (or we may leave it)."""
        if walk.follow_links or not os.path.islink(path):
            return True
        target = os.path.realpath(path)
        if target == inside or target.startswith(inside.rstrip(os.sep) + os.sep) \
                or not os.path.exists(target):  # a dangling link is reported as missing
            return True
        walk.links.append((Path(path), safe_text(target)))
        return False

    def unlisted(exc: OSError) -> None:
        if not isinstance(exc, FileNotFoundError):  # gone: what was below it is deleted
            walk.unlisted.append((Path(exc.filename or root), exc))

    for folder, dirnames, filenames in os.walk(root, followlinks=True, onerror=unlisted):
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
            and allowed(os.path.join(folder, d))
        )
        for name in sorted(filenames):
            if not name.startswith(".") and allowed(os.path.join(folder, name)):
                yield Path(folder, name)


READ_EXTENSIONS = TABLE_EXTENSIONS | DOCUMENT_EXTENSIONS | IMAGE_EXTENSIONS


def _special(path: Path, explicit: bool) -> Unit | None | bool:
    """A unit with a finding for a pipe, device or socket the scan would read, ``False`` for
    one it would not, None for a regular file (or one whose state the readers report)."""
    error = special_file(path)
    if error is None:
        return None
    if not explicit and path.suffix.lower() not in READ_EXTENSIONS:
        return False
    return Unit("table", path=path, error=error)


def _units(files: Iterator[Path], top: Path, explicit: bool = False) -> list[Unit]:
    units: list[Unit] = []
    documents: dict[Path, list[Path]] = defaultdict(list)
    images: dict[Path, list[Path]] = defaultdict(list)
    for path in files:
        special = _special(path, explicit)
        if special is not None:
            if special:
                units.append(special)
            continue
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
