"""``rnnkit serve``: a local web page to sample from a model and look inside it, and its static export.

- :mod:`.subjects`: the loaded model and how the pages read it (one entry per task);
- :mod:`.views`: the JSON the views show, from :mod:`rnnkit.inspect`;
- :mod:`.page`: the HTML page (``static/``), live or as one self-contained file (:func:`export_html`);
- :mod:`.app`: the FastAPI app (needs the ``serve`` extra).
"""

from .page import export_html, render_page
from .subjects import Subject, load_subject

__all__ = ["Subject", "export_html", "load_subject", "render_page"]
