"""The managing-director report: one self-contained HTML file and a PDF.

``build_report(workspace, catalog, out_dir)`` collects everything from the catalog
(:mod:`.collect`), draws the charts (:mod:`.charts`), renders the Jinja2 template
``templates/report.html.j2`` and writes the PDF with WeasyPrint (:mod:`.render`).
``summary`` is the report's "Das Wichtigste in Kürze" alone (the web app's start page);
``latest_federated`` the newest run of learning together as the report shows it (the web
app's page "Gemeinsam lernen", with ``federated_chart`` its bars per company).
"""

from datensorgfalt.services.report.charts import federated as federated_chart
from datensorgfalt.services.report.collect import summary
from datensorgfalt.services.report.federated import federated_view, latest_federated
from datensorgfalt.services.report.render import SECTIONS, ReportFiles, build_report

__all__ = ["SECTIONS", "ReportFiles", "build_report", "federated_chart", "federated_view",
           "latest_federated", "summary"]
