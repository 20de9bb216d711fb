"""Start the app with uvicorn (``datensorgfalt ui``)."""

from __future__ import annotations

import threading
import webbrowser
from pathlib import Path

from datensorgfalt.web.app import create_app
from datensorgfalt.web.security import LOOPBACK, WebSettings, login_token


def address(host: str, port: int, token: str | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


def serve(root: Path, host: str = "127.0.0.1", port: int = 8765, open_browser: bool = True,
          announce=print) -> None:
    import uvicorn

    token = None if host in LOOPBACK else login_token()
    settings = WebSettings(root=root.resolve(), host=host, token=token)
    url = address(host, port, token)
    announce(url)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning",
                proxy_headers=False, server_header=False)
