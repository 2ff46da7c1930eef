"""The web app of ``rnnkit serve``: one model, loaded at start, behind a small JSON and event-stream API.

Routes::

    GET  /             the page (its CSS and JS inline: it works offline)
    GET  /api/model    what the model is and can do (views.about)
    POST /api/inspect  {"text"} -> views.inspection: gates, states, gradients, verdict
    POST /api/sample   {"prime", "length", "temperature", "top_k", "top_p", "seed"} -> text/event-stream:
                       one ``data: {"piece", "probability"}`` event per token, then ``event: done``

The client sends text and numbers only, never a path; every size is bounded (:data:`LIMITS`).
Every error is ``{"error": "..."}`` with a 4xx status (500 only for a bug here, still JSON and
without a traceback). One lock guards the model: inspecting registers hooks on its layers, so two
requests must never run it at once.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any, Iterator

from ..extras import require
from . import views
from .page import render_page
from .subjects import Subject

require("fastapi", "rnnkit serve")  # the install line for the serve extra, if it is missing
from fastapi import FastAPI, Request  # noqa: E402
from fastapi.exceptions import RequestValidationError  # noqa: E402
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse  # noqa: E402
from pydantic import BaseModel, ConfigDict, Field  # noqa: E402
from starlette.exceptions import HTTPException  # noqa: E402

LIMITS = {
    "body_bytes": 64 * 1024,  # a request body; the longest text fits several times over
    "text_chars": 4000,
    "prime_chars": 1000,
    "sample_tokens": 2000,
    "temperature": 10.0,
}
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
log = logging.getLogger(__name__)


class InspectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=LIMITS["text_chars"])


class SampleRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    prime: str = Field("", max_length=LIMITS["prime_chars"])
    length: int = Field(200, ge=1, le=LIMITS["sample_tokens"])
    temperature: float = Field(1.0, ge=0.0, le=LIMITS["temperature"])
    top_k: int | None = Field(None, ge=1)
    top_p: float | None = Field(None, gt=0.0, le=1.0)
    seed: int | None = Field(None, ge=0, le=2**63 - 1)


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for problem in exc.errors():
        field = ".".join(str(p) for p in problem["loc"][1:]) or "body"
        parts.append(f"{field}: {problem['msg']}")
    return "; ".join(parts)


def _event(name: str | None, data: dict[str, Any]) -> str:
    return (f"event: {name}\n" if name else "") + f"data: {json.dumps(data)}\n\n"


def create_app(subject: Subject, allowed_hosts: tuple[str, ...] | None = LOOPBACK_HOSTS) -> FastAPI:
    """The app for ``subject``; requests whose Host is not in ``allowed_hosts`` are refused (None allows any).

    Checking the Host keeps a web page elsewhere from reaching a loopback server through a DNS name
    that it points at 127.0.0.1.
    """
    app = FastAPI(title="rnnkit serve", docs_url=None, redoc_url=None, openapi_url=None)
    lock = threading.Lock()

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Any:
        host = request.headers.get("host", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if allowed_hosts is not None and name not in allowed_hosts:
            return error(400, f"Host {host!r} is not served here (rnnkit serve answers {', '.join(allowed_hosts)})")
        if request.method == "POST":
            declared = request.headers.get("content-length")
            if declared is None or not declared.isdigit():
                return error(411, "a request body needs a Content-Length")
            if int(declared) > LIMITS["body_bytes"]:
                return error(413, f"request body of {declared} bytes; at most {LIMITS['body_bytes']}")
        return await call_next(request)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error(400, _validation_message(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return error(exc.status_code, str(exc.detail))

    @app.exception_handler(ValueError)
    async def unreadable_input(request: Request, exc: ValueError) -> JSONResponse:
        return error(400, str(exc))

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("rnnkit serve: %s %s failed", request.method, request.url.path)
        return error(500, f"internal error ({type(exc).__name__}); the server's log has the details")

    @app.get("/", response_class=HTMLResponse)
    def page() -> HTMLResponse:
        return HTMLResponse(render_page(views.about(subject), None))

    @app.get("/api/model")
    def model() -> dict[str, Any]:
        return {**views.about(subject), "limits": LIMITS, "max_steps": views.MAX_STEPS}

    @app.post("/api/inspect")
    def inspect(request: InspectRequest) -> dict[str, Any]:
        with lock:
            return views.inspection(subject, request.text)

    @app.post("/api/sample")
    def sample(request: SampleRequest) -> Any:
        if subject.sample is None:
            return error(400, f"this is {subject.title}; only a language model samples text")
        if request.top_k is not None and request.top_k > subject.vocab_size:
            return error(400, f"top_k: at most the vocabulary size, {subject.vocab_size}; got {request.top_k}")
        options = request.model_dump(exclude={"prime", "length"})
        with lock:
            pieces = subject.sample(request.prime, request.length, **options)
            first = next(pieces)  # a prime the model cannot read fails here, as a 400, before the stream starts
        return StreamingResponse(_stream(first, pieces, lock), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store"})

    return app


def _stream(first: tuple[str, float], pieces: Iterator[tuple[str, float]], lock: threading.Lock) -> Iterator[str]:
    """Server-sent events: each token as it is drawn (the model step under the lock), then ``done``."""
    piece, probability = first
    yield _event(None, {"piece": piece, "probability": probability})
    while True:
        with lock:
            step = next(pieces, None)
        if step is None:
            break
        yield _event(None, {"piece": step[0], "probability": step[1]})
    yield _event("done", {})
