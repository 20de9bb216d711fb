"""Step 7, sharing: the catalog as DCAT-AP.de (:mod:`.dcat`), usage policies in a small closed
ODRL profile (:mod:`.policy`); signed packages, the data trustee and federated training join
here.

Entry points: ``export_catalog(catalog, fmt)`` -> the serialised catalog;
``read_policy_file(path)`` / ``parse_policy(doc)`` -> ``Policy``, ``evaluate(policy, Request)``
-> ``Decision``, ``explain(policy, lang)``, ``build_policy(...)``, ``to_odrl(policy)``.
"""

from datensorgfalt.services.sharing.dcat import export as export_catalog
from datensorgfalt.services.sharing.dcat import export_summary
from datensorgfalt.services.sharing.policy import (
    Decision,
    Policy,
    PolicyRefused,
    Request,
    build_policy,
    evaluate,
    explain,
    find_purpose,
    parse_policy,
    parse_when,
    read_policy_file,
    to_odrl,
)

__all__ = ["Decision", "Policy", "PolicyRefused", "Request", "build_policy", "evaluate",
           "explain", "export_catalog", "export_summary", "find_purpose", "parse_policy",
           "parse_when", "read_policy_file", "to_odrl"]
