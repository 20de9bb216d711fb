"""Step 7, sharing: the catalog as DCAT-AP.de (:mod:`.dcat`), usage policies in a small closed
ODRL profile (:mod:`.policy`), the company's keys (:mod:`.keys`) and signed, encrypted share
packages (:mod:`.package`); the data trustee and federated training join here.

Entry points: ``export_catalog(catalog, fmt)`` -> the serialised catalog;
``read_policy_file(path)`` / ``parse_policy(doc)`` -> ``Policy``, ``evaluate(policy, Request)``
-> ``Decision``, ``explain(policy, lang)``, ``build_policy(...)``, ``to_odrl(policy)``.
"""

from datensorgfalt.services.sharing.dcat import export as export_catalog
from datensorgfalt.services.sharing.dcat import export_summary
from datensorgfalt.services.sharing.keys import (
    KeysError,
    PublicKeys,
    create_keys,
    load_keys,
    own_public_keys,
    passphrase_from_env,
    public_key_text,
    read_public_keys,
    show_fingerprint,
)
from datensorgfalt.services.sharing.package import (
    OpenResult,
    PackageRefused,
    PackResult,
    holds_personal_data,
    open_package,
    pack,
    shareable_table,
)
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
    refuse_past,
    to_odrl,
)

__all__ = ["Decision", "KeysError", "OpenResult", "PackResult", "PackageRefused", "Policy",
           "PolicyRefused", "PublicKeys", "Request", "build_policy", "create_keys", "evaluate",
           "explain", "export_catalog", "export_summary", "find_purpose", "holds_personal_data",
           "load_keys",
           "open_package", "own_public_keys", "pack", "parse_policy", "parse_when",
           "passphrase_from_env", "public_key_text", "read_policy_file", "read_public_keys",
           "refuse_past", "shareable_table", "show_fingerprint", "to_odrl"]
