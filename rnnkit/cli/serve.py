"""``rnnkit serve RUN_OR_MODEL``: a local web page to sample from a model and look inside it.

The model is loaded once, at start (a run directory or checkpoint of ``train lm``, ``classify``
or ``tag``, or a model file with ``--vocab``), and served on 127.0.0.1 unless ``--host`` says
otherwise: the page samples text (a language model), colours text by any unit's gates and
states, ranks the units that follow a selected span, and plots the gradient through time.
"""

from __future__ import annotations

import argparse

from ..extras import require


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="a local web page: sample from a model, see its gates, states and gradients",
        description="Examples: rnnkit serve runs/lm (then open http://127.0.0.1:8000/) ; "
        "rnnkit serve model.keras --vocab vocab.json --port 8001",
    )
    parser.add_argument("model", metavar="RUN_OR_MODEL", help="a run directory or checkpoint (lm, classify, tag), or a model file")
    parser.add_argument("--vocab", help="for a model file: JSON list of tokens (index = id) or object token -> id")
    parser.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this machine only; the page has no login)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        raise ValueError(f"--port must be in 1..65535; got {args.port}")
    uvicorn = require("uvicorn", "rnnkit serve")
    from ..serve.app import LOOPBACK_HOSTS, create_app
    from ..serve.subjects import load_subject

    subject = load_subject(args.model, args.vocab)
    loopback = args.host in ("127.0.0.1", "localhost", "::1")
    app = create_app(subject, LOOPBACK_HOSTS if loopback else None)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"rnnkit serve: {subject.title} ({args.model}) at http://{shown}:{args.port}/ ; Ctrl-C stops", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
