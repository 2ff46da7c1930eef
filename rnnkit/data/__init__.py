"""Data for sequence models: tokenizers and vocabularies, text corpora."""

from .corpus import default_corpus, load_corpus, read_text, split_held_out
from .tokenizers import (
    CharTokenizer,
    SubwordTokenizer,
    WordTokenizer,
    load_tokenizer,
    normalize,
    save_tokenizer,
    tokenizer_from_json,
    train_tokenizer,
)

__all__ = [
    "CharTokenizer",
    "SubwordTokenizer",
    "WordTokenizer",
    "default_corpus",
    "load_corpus",
    "load_tokenizer",
    "normalize",
    "read_text",
    "save_tokenizer",
    "split_held_out",
    "tokenizer_from_json",
    "train_tokenizer",
]
