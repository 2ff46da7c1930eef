"""Optional dependencies, imported where they are used, with the install line when one is missing.

The core install (``pip install rnnkit``) is torch, numpy, safetensors, h5py, pyfive, ninja and tqdm:
enough for layers, models, Keras files, training and the fused kernels. Plots, subword tokenizers,
BLEU, word vectors and forecasting baselines come as extras, so :func:`require` turns a missing
module into one message that names the extra to install.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

#: Which extra of ``pyproject.toml`` brings each optional module.
EXTRA_OF = {
    "matplotlib": "plots",
    "tokenizers": "text",
    "sacrebleu": "text",
    "gensim": "vectors",
    "fastapi": "serve",
    "uvicorn": "serve",
    "soundfile": "speech",
    "scipy": "speech",
    "jiwer": "speech",
    "music21": "music",
    "onnx": "export",
    "onnxruntime": "export",
    "statsmodels": "forecast",
}


class MissingExtraError(ImportError):
    """An optional dependency is not installed; the message says which extra brings it."""


def require(module: str, purpose: str) -> ModuleType:
    """``import module``, or a :class:`MissingExtraError` saying that ``purpose`` needs it and how to get it."""
    top = module.split(".")[0]
    try:
        return importlib.import_module(module)
    except ImportError as error:
        if error.name is not None and error.name.split(".")[0] != top:
            raise  # the module is there but something it imports is broken: show that error
        extra = EXTRA_OF[top]
        raise MissingExtraError(
            f"{purpose} needs {top}, which comes with rnnkit's '{extra}' extra: "
            f"pip install 'rnnkit[{extra}]' (or 'rnnkit[all]')"
        ) from None


def pyplot(purpose: str) -> ModuleType:
    """matplotlib's pyplot, for writing PNG files.

    The first import chooses the Agg backend (no display needed); where the user's code or a
    notebook has imported pyplot already, its backend is left as it is (switching would close the
    user's figures), and saving a file works with any backend.
    """
    matplotlib = require("matplotlib", purpose)
    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    return require("matplotlib.pyplot", purpose)
