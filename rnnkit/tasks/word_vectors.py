"""Train Word2Vec vectors on a corpus with gensim, for ``--vectors`` of ``rnnkit train classify|tag``.

The corpus is a text file or folder (one sentence or paragraph per line), or the text column of a
TSV/CSV/JSONL table. Lines are split into words as :class:`rnnkit.data.WordTokenizer` splits
them (NFC, words and punctuation marks), so the vectors' words match the classifier's vocabulary.
The result is written in word2vec's binary format, which ``--vectors`` reads without pickle.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..data.corpus import read_text
from ..data.tables import read_labelled_texts, table_format
from ..data.tokenizers import EOS, WordTokenizer
from ..extras import require


@dataclass
class Word2VecResult:
    path: Path
    words: int
    sentences: int


def corpus_sentences(data: str, text_col: str | None = None) -> list[list[str]]:
    path = Path(data)
    if path.is_file() and path.suffix.lower() in (".tsv", ".csv", ".jsonl", ".json", ".ndjson") and table_format(path):
        lines, _ = read_labelled_texts(path, text_col, None, "--data", need_labels=False)
    else:
        lines = read_text(path).split("\n")
    sentences = [[w for w in WordTokenizer.split(line) if w != EOS] for line in lines]
    sentences = [s for s in sentences if s]
    if not sentences:
        raise ValueError(f"--data {data}: no words to train on")
    return sentences


def train_word2vec(data: str, out: str = "vectors.bin", size: int = 100, window: int = 5, min_count: int = 2,
                   epochs: int = 5, skip_gram: bool = False, text_col: str | None = None, seed: int = 0) -> Word2VecResult:
    """Fit gensim's Word2Vec (CBOW, or skip-gram) and save the vectors as word2vec binary at ``out``."""
    Word2Vec = require("gensim.models", "training word2vec").Word2Vec

    for name, value in (("size", size), ("window", window), ("min-count", min_count), ("epochs", epochs)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"--{name} must be a positive integer; got {value!r}")
    sentences = corpus_sentences(data, text_col)
    model = Word2Vec(sentences, vector_size=size, window=window, min_count=min_count, epochs=epochs, sg=int(skip_gram),
                     seed=seed, workers=1)
    if not len(model.wv):
        raise ValueError(f"--data {data}: no word occurs --min-count {min_count} times")
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    model.wv.save_word2vec_format(str(path), binary=True)
    return Word2VecResult(path, len(model.wv), len(sentences))
