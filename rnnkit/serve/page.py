"""The one HTML page of the views, for the live server and as a self-contained file.

The page is ``static/index.html`` with ``static/style.css`` and ``static/app.js`` put inline, and
two JSON blocks: what the model is (:func:`rnnkit.serve.views.about`) and, for a static export,
the inspection the page shows (:func:`rnnkit.serve.views.inspection`). Its Content-Security-Policy
lets the page reach nothing but its own server (a static file: nothing at all), so it works
offline and never calls out.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from typing import Any

from ..atomic_files import write_atomically


def _static(name: str) -> str:
    return resources.files("rnnkit.serve").joinpath("static", name).read_text(encoding="utf-8")


def _script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element: no '<' can close it early."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def render_page(about: dict[str, Any], inspection: dict[str, Any] | None) -> str:
    """The page; with ``inspection`` it is a static export (no server), else it talks to the server it came from."""
    parts = {
        "__CONNECT__": "'none'" if inspection is not None else "'self'",
        "__STYLE__": _static("style.css"),
        "__ABOUT__": _script_json(about),
        "__DATA__": _script_json(inspection),
        "__SCRIPT__": _static("app.js"),
    }
    page = _static("index.html")
    for placeholder, text in parts.items():
        page = page.replace(placeholder, text)
    return page


def export_html(path: str | os.PathLike, model: str | os.PathLike, text: str | None, vocab: str | None = None) -> None:
    """Write the views of ``model`` (checkpoint, run directory or model file) on ``text`` to one HTML file.

    It is what ``rnnkit inspect ... --html`` writes: the data embedded as JSON, the script and style
    inline, no requests to any server. ``vocab`` is the vocabulary file a model file needs.
    """
    from . import views
    from .subjects import load_subject

    if text is None:
        raise ValueError("text: the HTML views show a text, and none was given (rnnkit inspect --html needs --text)")
    subject = load_subject(model, vocab)
    page = render_page(views.about(subject), views.inspection(subject, text))
    write_atomically(path, lambda stream: stream.write(page.encode("utf-8")))
