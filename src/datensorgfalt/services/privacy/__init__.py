"""Step 3, privacy and rights: personal data found, rights recorded, protected copies made.

Entry point ``scan_privacy(workspace, catalog, selectors)`` -> ``PrivacyReport``
(:mod:`.detect`); ``scan_text`` finds personal data in one text (:mod:`.free_text`).
``protect(workspace, catalog, selector, out_dir)`` writes a protected copy (:mod:`.protect`);
``set_rights``, ``import_rights``, ``show_rights`` keep licences and usage rights
(:mod:`.rights`). ``mask_profile_values`` masks the stored values of personal columns
(:mod:`.masking`); ``sample_rows`` shows a few rows, personal values masked (:mod:`.sample`).
Detectors: ``column_kinds``, ``patterns``, ``names``, ``special``, ``validators``; their word
lists are knowledge files read by ``lexicon``.
"""

from datensorgfalt.services.privacy.detect import (
    PrivacyReport,
    documents_by_findings,
    finding_count,
    kind_labels,
    most_findings_first,
    scan_privacy,
)
from datensorgfalt.services.privacy.free_text import read_text_input, scan_text
from datensorgfalt.services.privacy.masking import (
    mask_finding_evidence,
    mask_profile_values,
    personal_columns,
)
from datensorgfalt.services.privacy.protect.protected_copy import (
    ProtectReport,
    protect,
    suggested_plan,
)
from datensorgfalt.services.privacy.rights import (
    import_rights,
    licences,
    set_rights,
    show_rights,
)
from datensorgfalt.services.privacy.sample import sample_rows

__all__ = [
    "PrivacyReport",
    "ProtectReport",
    "documents_by_findings",
    "finding_count",
    "import_rights",
    "kind_labels",
    "licences",
    "mask_finding_evidence",
    "mask_profile_values",
    "most_findings_first",
    "personal_columns",
    "protect",
    "sample_rows",
    "read_text_input",
    "scan_privacy",
    "scan_text",
    "set_rights",
    "show_rights",
    "suggested_plan",
]
