"""One module per page; each registers its GET page (and JSON twin) and its forms."""

from datensorgfalt.web.routes import (
    catalog,
    dataset,
    federated,
    jobs,
    poc,
    privacy,
    readiness,
    report,
    sharing,
    start,
    usecases,
)

ROUTERS = [start.router, jobs.router, catalog.router, dataset.router, privacy.router,
           readiness.router, usecases.router, poc.router, federated.router, report.router,
           sharing.router]
