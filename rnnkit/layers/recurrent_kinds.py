"""The recurrent layer class of each cell kind, for code that picks a layer by name.

The kinds are those of :data:`rnnkit.cells.SPECS`; the tasks build their models from
:data:`TASK_CELLS`, so a new kind with a layer is selectable there without a task edit.
"""

from __future__ import annotations

from types import MappingProxyType

from .layer_norm_lstm import LayerNormLSTM
from .recurrent import GRU, LSTM, SimpleRNN

#: Cell kind -> the Keras-style layer running it, e.g. ``"simple_rnn" -> SimpleRNN``.
RECURRENT_LAYERS = MappingProxyType({layer.cell_class.kind: layer for layer in (SimpleRNN, LSTM, GRU, LayerNormLSTM)})

#: The names task settings and task checkpoints use: every kind, and ``"simple"``, the name tasks
#: gave SimpleRNN before the kinds were spelled one way (their checkpoints and ``--cell simple``).
TASK_CELLS = MappingProxyType({**RECURRENT_LAYERS, "simple": SimpleRNN})
