"""Speech recognition with CTC: a bidirectional recurrent acoustic model over log-mel frames, end to end.

In a notebook::

    from rnnkit.tasks import speech
    run = speech.train(out="runs/ctc", minutes=4)               # the bundled spoken digits
    print(speech.evaluate(run.out).as_text())                   # CER and WER on the held-out voices
    print(speech.transcribe(run.out, ["one.wav"], beam=8))      # ['three one four']
"""

from .ctc import Alphabet, ctc_loss, greedy_decode, prefix_beam_search
from .error_rates import character_error_rate, word_error_rate
from .evaluation import SpeechReport, eval_text, evaluate, inspection_input, load_acoustic_model, predict_text, transcribe
from .features import LogMelConfig, log_mel, mel_filterbank
from .model import AcousticConfig, AcousticModel
from .settings import CTCSettings
from .training import train

load = load_acoustic_model  # every task exports train, load, evaluate and predict under these names (rnnkit.tasks.registry)

__all__ = ["AcousticConfig", "AcousticModel", "Alphabet", "CTCSettings", "LogMelConfig", "SpeechReport", "character_error_rate",
           "ctc_loss", "eval_text", "evaluate", "greedy_decode", "inspection_input", "load", "load_acoustic_model", "log_mel", "mel_filterbank",
           "predict_text", "prefix_beam_search", "train", "transcribe", "word_error_rate"]
