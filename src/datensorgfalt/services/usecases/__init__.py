"""Step 5, use cases: the library of proven SME use cases matched against the catalog.

Entry point ``run_usecases(workspace, catalog)`` -> matches, best first (:mod:`.matching`);
the conditions a use case names are the functions in :mod:`.predicates`; the library is
``knowledge/usecases.yaml``.
"""

from datensorgfalt.services.usecases.matching import Match, library, match_all, run_usecases

__all__ = ["Match", "library", "match_all", "run_usecases"]
