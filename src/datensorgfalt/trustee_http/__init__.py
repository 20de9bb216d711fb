"""The data trustee's HTTP interface (Dataspace Protocol 2025-1), thin over services/trustee."""

from __future__ import annotations

from datensorgfalt.trustee_http.app import create_app, serve

__all__ = ["create_app", "serve"]
