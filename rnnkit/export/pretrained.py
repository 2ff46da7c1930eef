"""Model folders in the layout of Hugging Face's ``PyTorchModelHubMixin``: config, weights and a model card.

``save_pretrained(model, folder)`` writes::

    folder/config.json         the Keras 3 model config (what a .keras archive and an rnnkit model file hold)
    folder/model.safetensors   the weights, as model.save_weights writes them (tensors weights/<state_dict key>)
    folder/README.md           a model card: architecture, parameter counts, and with a task checkpoint's
                               record its task, training data, classes and best epoch's metrics

so a user can upload the folder to a model hub themselves; rnnkit never uploads or downloads.
``from_pretrained(folder)`` reads it back through the loaders every model file goes through:
bounded JSON (:func:`rnnkit.limits.load_json`), the explicit layer table, and safetensors weights
whose names and shapes are checked before they are copied; a bad folder raises
:class:`~rnnkit.errors.FileFormatError`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..atomic_files import write_atomically
from ..errors import FileFormatError
from ..limits import load_json
from ..models.model import Model
from ..saving.keras_export import model_config
from ..saving.keras_models import model_from_config

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.safetensors"
CARD_FILE = "README.md"


def save_pretrained(model: Model, folder: str | os.PathLike, training_record: dict[str, Any] | None = None) -> Path:
    """Write ``model`` (Sequential or functional, built) to ``folder``; returns the folder.

    ``training_record`` is a task checkpoint's record (``rnnkit train ...``): the card then says
    what the model was trained on and how it scored.
    """
    folder = Path(folder)
    config = json.dumps(model_config(model), indent=1).encode()
    model.save_weights(folder / WEIGHTS_FILE)
    write_atomically(folder / CONFIG_FILE, lambda stream: stream.write(config))
    card = model_card(model, training_record).encode()
    write_atomically(folder / CARD_FILE, lambda stream: stream.write(card))
    return folder


def from_pretrained(folder: str | os.PathLike) -> Model:
    """The model saved in ``folder`` by :func:`save_pretrained`, in inference mode."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileFormatError(folder, f"expected a model folder holding {CONFIG_FILE} and {WEIGHTS_FILE}")
    config_path, weights_path = folder / CONFIG_FILE, folder / WEIGHTS_FILE
    for path in (config_path, weights_path):
        if not path.is_file():
            raise FileFormatError(folder, field=path.name, expected="a file written by save_pretrained", found="nothing")
    config = load_json(config_path, CONFIG_FILE, config_path.read_bytes())
    model = model_from_config(str(config_path), config, keras2=False)
    model.load_weights(weights_path)
    return model.eval()


def _parameter_line(model: Model) -> str:
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    dtypes = sorted({str(p.dtype).removeprefix("torch.") for p in model.parameters()})
    return f"{total:,} parameters ({trainable:,} trainable), {', '.join(dtypes)}."


def _training_lines(record: dict[str, Any]) -> list[str]:
    lines = [f"Trained with `rnnkit train {record.get('task', '?')}`"
             + (f" on `{record['data']}`" if record.get("data") else "") + "."]
    if record.get("classes"):
        lines.append(f"Classes: {', '.join(str(c) for c in record['classes'])}.")
    best = record.get("best_epoch")
    history = record.get("history") or []
    scores = next((h for h in history if h.get("epoch") == best), None)
    if scores:
        shown = ", ".join(f"{k} {v:.4f}" for k, v in scores.items() if k not in ("epoch", "seconds"))
        lines.append(f"Best epoch {best} of {len(history)}: {shown}.")
    return lines


def model_card(model: Model, training_record: dict[str, Any] | None = None) -> str:
    """The README.md text (YAML front matter as model hubs read it, then Markdown)."""
    summary: list[str] = []
    model.summary(print_fn=summary.append)
    lines = ["---", "library_name: rnnkit", "tags:", "- rnnkit", "- keras", "- recurrent", "---", "",
             f"# {model.name}", "", "A recurrent model saved by rnnkit (Keras's recurrent layers on PyTorch).", "",
             "```python", "from rnnkit.models import from_pretrained", "", 'model = from_pretrained("path/to/this/folder")',
             "```", "", "## Architecture", "", "```", *summary, "```", "", "## Parameters", "", _parameter_line(model), "",
             "## Training", ""]
    lines += _training_lines(training_record) if training_record else ["Not recorded (the model was saved from code)."]
    return "\n".join(lines) + "\n"
