"""The local web app (``datensorgfalt ui``): the whole journey in a browser, nothing leaves the
laptop. A layer beside ``cli/``: routes parse the request, call one service entry point and
render its result (or return it as JSON at the same URL plus ``.json``). Long work runs in a
worker process (:mod:`.jobs`) that can be stopped.
"""

from datensorgfalt.web.app import WebSettings, create_app
from datensorgfalt.web.server import serve

__all__ = ["WebSettings", "create_app", "serve"]
