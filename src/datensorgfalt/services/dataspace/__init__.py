"""Both sides of a data trustee from the company's workspace (issue 15): offer a dataset,
read the catalog, get an offer (negotiate, transfer, check the hash), and what was shared and
received, recorded in the catalog (``dataspace`` results)."""

from __future__ import annotations

import base64
import hashlib
import uuid
from pathlib import Path
from typing import Any

from datensorgfalt.catalog.results import save_result
from datensorgfalt.catalog.store import Catalog
from datensorgfalt.services.dataspace.client import CONTEXT, POLLS, Connection, DataspaceError
from datensorgfalt.services.dataspace.summary import KIND, shared_and_received
from datensorgfalt.services.outputs import check_output, writing
from datensorgfalt.services.sharing import (
    build_policy,
    find_purpose,
    holds_personal_data,
    refuse_past,
    shareable_table,
    to_odrl,
)
from datensorgfalt.workspace import Workspace

__all__ = ["DataspaceError", "dataspace_status", "get_offer", "offer_dataset",
           "read_catalog", "shared_and_received"]


def offer_dataset(workspace: Workspace, catalog: Catalog, selector: str, url: str, token: str,
                  purpose: str, *, until: str | None = None, max_transfers: int | None = None,
                  assignee: str | None = None) -> dict[str, Any]:
    """Put one table on the trustee (a protected copy when it holds personal data)."""
    refuse_past(until)
    dataset = catalog.dataset(selector)
    protected = holds_personal_data(catalog, dataset)
    policy = build_policy(purpose, assignee=assignee, until=until, max_transfers=max_transfers,
                          protected_only=protected)
    _, name, data = shareable_table(workspace, catalog, dataset, protected)
    answer = Connection(url, token).json("POST", "/api/angebote", {
        "@context": CONTEXT, "@type": "Angebot", "title": dataset.title, "file_name": name,
        "media_type": "text/csv", "policy": to_odrl(policy),
        "data": base64.b64encode(data).decode("ascii"),
        "sha256": hashlib.sha256(data).hexdigest()})
    record = {"direction": "shared", "trustee": url, "dataset": dataset.id,
              "title": dataset.title, "protected": protected, "policy": to_odrl(policy),
              "partner": ", ".join(answer.get("partners") or []) or None, **answer}
    with catalog.session() as session:
        save_result(session, KIND, record, key=answer["offer_id"], dataset_id=dataset.id)
    return record


def read_catalog(url: str, token: str) -> dict[str, Any]:
    return Connection(url, token).json("POST", "/dsp/catalog/request",
                                       {"@context": CONTEXT, "@type": "CatalogRequestMessage"})


def get_offer(workspace: Workspace, catalog: Catalog, offer_id: str, url: str, token: str,
              purpose: str, out: Path, *, overwrite: bool = False) -> dict[str, Any]:
    """Negotiate, transfer and check the hash; the file is written only when all went well."""
    target = check_output(out, catalog=catalog, overwrite=overwrite)
    trustee = Connection(url, token)
    found = next((d for d in read_catalog(url, token).get("dataset", [])
                  if any(p.get("@id") == offer_id for p in d.get("hasPolicy", []))), None)
    if found is None:
        raise DataspaceError("dataspace.error.no_offer", offer=offer_id)
    request = {"@context": CONTEXT, "@type": "ContractRequestMessage",
               "consumerPid": f"urn:uuid:{uuid.uuid4()}",
               "offer": {"@type": "Offer", "@id": offer_id, "target": found["@id"],
                         "permission": [{"action": "use", "constraint": [
                             {"leftOperand": "purpose", "operator": "eq",
                              "rightOperand": find_purpose(purpose).iri}]}]},
               "callbackAddress": POLLS}
    negotiation = trustee.json("POST", "/dsp/negotiations/request", request)
    pid = negotiation["providerPid"]
    agreement = trustee.json("GET", f"/dsp/negotiations/{pid}/agreement")
    trustee.json("POST", f"/dsp/negotiations/{pid}/agreement/verification",
                 {"@context": CONTEXT, "@type": "ContractAgreementVerificationMessage",
                  "providerPid": pid, "consumerPid": negotiation["consumerPid"]})
    transfer = trustee.json("POST", "/dsp/transfers/request", {
        "@context": CONTEXT, "@type": "TransferRequestMessage",
        "consumerPid": f"urn:uuid:{uuid.uuid4()}",
        "agreementId": agreement["agreement"]["@id"], "format": "HttpData-PULL",
        "callbackAddress": POLLS})
    start = trustee.json("GET", f"/dsp/transfers/{transfer['providerPid']}/start")
    address = start["dataAddress"]
    one_time = next(p["value"] for p in address["endpointProperties"]
                    if p["name"] == "authorization")
    _, data, _ = trustee.call("GET", address["endpoint"], token=one_time)
    digest = hashlib.sha256(data).hexdigest()
    if digest != found.get("checksum"):
        raise DataspaceError("dataspace.error.hash")
    with writing(target, workspace) as temporary:
        temporary.write_bytes(data)
    record = {"direction": "received", "trustee": url, "offer_id": offer_id,
              "dataset_id": found["@id"], "title": found.get("title"), "sha256": digest,
              "partner": found.get("publisher"), "purpose": find_purpose(purpose).id,
              "bytes": len(data), "file": str(target), "agreement": agreement["agreement"],
              "transfer": transfer["providerPid"]}
    with catalog.session() as session:
        save_result(session, KIND, record, key=offer_id)
    return record


def dataspace_status(catalog: Catalog) -> list[dict[str, Any]]:
    """What this company shared and received through trustees, oldest first."""
    return [result.payload for result in catalog.results(KIND)]
