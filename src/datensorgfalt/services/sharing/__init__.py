"""Step 7, sharing: the catalog as DCAT-AP.de today (:mod:`.dcat`); signed packages, the data
trustee and federated training join here.

Entry point ``export_catalog(catalog, fmt)`` -> the serialised catalog.
"""

from datensorgfalt.services.sharing.dcat import export as export_catalog
from datensorgfalt.services.sharing.dcat import export_summary

__all__ = ["export_catalog", "export_summary"]
