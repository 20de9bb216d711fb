"""Step 1, the scan: files, folders and databases into the catalog.

Entry point ``scan(workspace, catalog, targets)`` -> ``ScanReport`` (:mod:`.runner`). Inside:
``discover`` finds the units, ``units`` reads one file or database, ``table_profile`` and
``semantic`` type its columns (the meaning is stored per column), ``catalog_writes`` writes one
transaction per unit, ``folders`` describes document and image folders. ``convert`` writes a
cleaned CSV of one file; ``describe`` keeps the description a person writes.
"""

from datensorgfalt.services.scan.convert import convert
from datensorgfalt.services.scan.describe import DescriptionTooLong, describe
from datensorgfalt.services.scan.runner import ScanReport, scan
from datensorgfalt.sources.locations import display_location

__all__ = ["DescriptionTooLong", "ScanReport", "convert", "describe", "display_location", "scan"]
