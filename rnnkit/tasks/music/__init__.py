"""Music generation: a recurrent language model over ABC tunes tokenised as folk-rnn did, sampled to ABC, MIDI and a piano roll.

In a notebook::

    from rnnkit.tasks import music
    run = music.train(out="runs/music", minutes=3)              # O'Neill's 1850 tunes, from music21's corpus
    print(music.evaluate(run.out).as_text())                    # held-out loss per token, share of valid sampled tunes
    model, vocabulary = music.load(run.out)
    tunes = music.sample_tunes(model, vocabulary, 4, "tunes/", prime="M:6/8 K:Dmaj")
"""

from .abc_tokens import ABCError, Tune, read_tunes, tune_text, tune_tokens
from .evaluation import MusicReport, eval_text, evaluate, load_music_model, sample_text
from .render import TuneCheck, check_tune
from .sampling import sample_tokens, sample_tunes
from .settings import MusicSettings
from .training import train
from .tunes import TuneVocabulary, distinct, split_tunes

load = load_music_model  # every task exports train, load, evaluate and predict under these names (rnnkit.tasks.registry)

__all__ = ["ABCError", "MusicReport", "MusicSettings", "Tune", "TuneCheck", "TuneVocabulary", "check_tune", "distinct", "eval_text",
           "evaluate", "load", "load_music_model", "read_tunes", "sample_text", "sample_tokens", "sample_tunes", "split_tunes", "train",
           "tune_text", "tune_tokens"]
