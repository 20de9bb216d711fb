"""Step 1, the scan: files, folders and databases into the catalog.

Entry point ``scan(workspace, catalog, targets)`` -> ``ScanReport`` (:mod:`.runner`). Inside:
``discover`` finds the units, ``units`` reads one file or database, ``table_profile`` and
``semantic`` type its columns (the meaning is stored per column), ``catalog_writes`` writes one
transaction per unit, ``folders`` describes document and image folders. ``convert`` writes a
cleaned CSV of one file; ``describe`` keeps the description a person writes.

``scan`` and ``ScanReport`` load on first use (PEP 562), like the catalog's names: the ``scan``
command starts its file worker (:mod:`.worker`) before it loads SQLAlchemy and the readers.
``convert`` and ``describe`` are imported from their modules (a name the package loaded late
would be shadowed by the module of the same name).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from datensorgfalt.lazy import lazy_names

if TYPE_CHECKING:
    from datensorgfalt.services.scan.runner import ScanReport, scan
    from datensorgfalt.sources.locations import display_location

_HOMES = {
    "ScanReport": "datensorgfalt.services.scan.runner",
    "scan": "datensorgfalt.services.scan.runner",
    "display_location": "datensorgfalt.sources.locations",
}

__all__ = ["ScanReport", "display_location", "scan"]


__getattr__ = lazy_names(__name__, _HOMES)
