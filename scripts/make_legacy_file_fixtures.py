"""Write one tiny file of each layout rnnkit wrote before the one-container format (run once).

Run from a checkout of that older rnnkit (commit f9ab356 of main):

    PYTHONPATH=$PWD python scripts/make_legacy_file_fixtures.py

It writes, into ``tests/fixtures/legacy_files/``:

- ``model.rnnkit``: ``model.save`` in rnnkit's format, with an Adam optimizer's state
  (``"format": "rnnkit.model"``, ``"format_version": "1"``);
- ``model.weights.safetensors``: ``model.save_weights`` (``"format": "rnnkit.weights"``);
- ``training.safetensors``: a resumable training checkpoint (``rnnkit-training-checkpoint``);
- ``classify.safetensors``: a task checkpoint (``rnnkit-task``) of a character classifier;
- ``lm.safetensors``: a language-model checkpoint (training checkpoint + ``rnnkit-language-model``);
- ``expected.npz``: inputs and the outputs each model gave when it was saved, so a test can check
  that today's reader restores the same numbers.
"""

from __future__ import annotations

import os

import numpy as np
import torch

import rnnkit as keras
from rnnkit.data import CharTokenizer
from rnnkit.tasks.classification import ClassifierConfig, TextEncoder, build_classifier
from rnnkit.tasks.classification.text import CHAR_SPECIALS
from rnnkit.tasks.language_model import LanguageModel, ModelConfig
from rnnkit.tasks.language_model.checkpoint import save_lm_checkpoint
from rnnkit.training import save_checkpoint
from rnnkit.training.task_files import save_task_model

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "legacy_files")


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 5, 3)).astype("float32")
    y = rng.standard_normal((4, 2)).astype("float32")

    model = keras.Sequential([keras.Input(shape=(5, 3)), keras.layers.LSTM(4), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=2, batch_size=2, verbose=0)
    model.save(os.path.join(OUT, "model.rnnkit"), optimizer=model.optimizer.torch_optimizer)
    model.save_weights(os.path.join(OUT, "model.weights.safetensors"))
    save_checkpoint(os.path.join(OUT, "training.safetensors"), model, epoch=2)
    expected = {"x": x, "model_y": model.predict(x, verbose=0), "model_iterations": np.array(model.optimizer.iterations)}

    encoder = TextEncoder(CharTokenizer(CHAR_SPECIALS + list("abc ")), max_len=20)
    config = ClassifierConfig(vocab_size=6, classes=2, units=3, embedding=4, dropout=0.0)
    classifier = build_classifier(config)
    save_task_model(os.path.join(OUT, "classify.safetensors"), classifier,
                    {"task": "classify", "config": config.to_json(), "encoder": encoder.to_json(), "history": [], "best_epoch": 1})
    ids = np.array([encoder.encode("ab ca")])
    with torch.inference_mode():
        expected["classify_ids"] = ids
        expected["classify_y"] = classifier.eval()(torch.from_numpy(ids)).numpy()

    tokenizer = CharTokenizer(list(" .abc"))
    lm = LanguageModel(ModelConfig(vocab_size=5, cell="gru", layers=2, units=4, embedding=3, dropout=0.0))
    save_lm_checkpoint(os.path.join(OUT, "lm.safetensors"), lm, tokenizer, epoch=3, extra={"history": [{"epoch": 3, "loss": 1.5}]})
    lm_ids = np.array([tokenizer.encode("ab c.")])
    with torch.inference_mode():
        expected["lm_ids"] = lm_ids
        expected["lm_y"] = lm.eval()(torch.from_numpy(lm_ids)).numpy()
    np.savez(os.path.join(OUT, "expected.npz"), **expected)
    for name in sorted(os.listdir(OUT)):
        print(name, os.path.getsize(os.path.join(OUT, name)))


if __name__ == "__main__":
    main()
