"""Federated training (issue 16): several companies train one model together while each
company's rows stay with it, with real Flower processes (a SuperLink, one SuperNode per
party).

``run_federation(workspace, catalog, request, progress)`` runs a whole federation on this
machine and compares, per party, its own model with the joint one (:mod:`.runner`);
``FederatedRequest`` describes it. Inner modules: ``apps`` (the Flower ServerApp and
ClientApp), ``layout`` (the feature layout agreed from sums and counts), ``network`` (the
model), ``processes`` (starting and stopping the Flower processes), ``tls`` (the federation's
certificate authority), ``parties``, ``evaluate`` (alone against together), ``explain``
(sentences and model card).

This module imports its inner modules only inside the entry points: every Flower
``flwr-clientapp`` process imports ``apps`` (and with it this package) and should start fast.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datensorgfalt.catalog import Catalog
    from datensorgfalt.services import Progress
    from datensorgfalt.services.federated.remote import JoinRequest, ServeRequest
    from datensorgfalt.services.federated.runner import FederatedRequest
    from datensorgfalt.workspace import Workspace


def run_federation(workspace: Workspace, catalog: Catalog | None, request: FederatedRequest,
                   progress: Progress | None = None) -> dict[str, Any]:
    """Train jointly across the request's parties on this machine; the saved result."""
    from datensorgfalt.services.federated.runner import run_federation as run

    return run(workspace, catalog, request, progress)


def serve_federation(workspace: Workspace, catalog: Catalog | None, request: ServeRequest,
                     announce: Callable[[dict[str, Any]], None] | None = None,
                     progress: Progress | None = None) -> dict[str, Any]:
    """Run the coordinator of a federation across machines until it has trained."""
    from datensorgfalt.services.federated.remote import serve_federation as serve

    return serve(workspace, catalog, request, announce, progress)


def join_federation(workspace: Workspace, catalog: Catalog | None, request: JoinRequest,
                    progress: Progress | None = None) -> dict[str, Any]:
    """Take part in a federation with one dataset; alone against together on own rows."""
    from datensorgfalt.services.federated.remote import join_federation as join

    return join(workspace, catalog, request, progress)


def parse_party(text: str) -> tuple[str, str]:
    """``NAME=FILE_OR_DATASET_ID`` -> (name, source)."""
    from datensorgfalt.services.federated.parties import parse_party as parse

    return parse(text)


def __getattr__(name: str) -> Any:
    if name == "FederatedRequest":
        from datensorgfalt.services.federated.runner import FederatedRequest

        return FederatedRequest
    if name in ("ServeRequest", "JoinRequest"):
        from datensorgfalt.services.federated import remote

        return getattr(remote, name)
    raise AttributeError(name)


__all__ = ["FederatedRequest", "JoinRequest", "ServeRequest", "join_federation", "parse_party",
           "run_federation", "serve_federation"]
