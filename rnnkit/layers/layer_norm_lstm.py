"""``LayerNormLSTM``: an LSTM with layer normalization (Ba, Kiros and Hinton, 2016).

Keras has no such layer; this one follows Keras's conventions (``units``, ``return_sequences``,
``return_state``, ``go_backwards``, ``stateful``, masks, ``initial_state``, ``dropout``,
``recurrent_dropout``) so it drops into code written for ``keras.layers.LSTM``. The equations are
in :mod:`rnnkit.cells`: the input and recurrent projections are normalized separately over their
4H gate pre-activations, and the cell state before the output activation.

Weights, in ``get_weights()`` order::

    kernel            (I, 4H)   gates i, f, c, o side by side, as in LSTM
    recurrent_kernel  (H, 4H)
    bias              (4H,)     only with use_bias=True; unit_forget_bias sets its f block to 1
    input_gamma, input_beta            (4H,)  gain and bias of LN(x_t @ kernel)
    recurrent_gamma, recurrent_beta    (4H,)  gain and bias of LN(h_{t-1} @ recurrent_kernel)
    cell_gamma, cell_beta              (H,)   gain and bias of LN(c_t)

It runs on the reference path only (no fused or torch kernel computes it); it saves and loads in
rnnkit's own format, and a ``.keras`` archive refuses it, because Keras could not read it back.

Mask padding (``Masking``, ``Embedding(mask_zero=True)``): at an input whose 4H (or H) features
are all equal, such as all-zero padding steps from the zero initial state with the initial
biases, layer normalization's slope is its largest, 1/sqrt(epsilon), so each such step
multiplies the gradient flowing back through it (an unmasked run of 20 such steps overflows
float32). This is the derivative of the equations, not rounding; masked steps are skipped.
"""

from __future__ import annotations

from typing import Any

import torch

from .. import cells, initializers
from .recurrent import _CELL_ARGS, _CellLayer
from .recurrent_cells import LSTMCell

_NORM_ARGS = ("epsilon", "gamma_initializer", "beta_initializer")


class LayerNormLSTMCell(LSTMCell):
    """One LayerNorm-LSTM step; gates i, f, c, o; states [h, c] (LSTMCell's, plus the norms' weights)."""

    kind = "layer_norm_lstm"

    def __init__(
        self,
        units: int,
        unit_forget_bias: bool = True,
        epsilon: float = 1e-3,
        gamma_initializer: Any = "ones",
        beta_initializer: Any = "zeros",
        **kwargs: Any,
    ):
        super().__init__(units, unit_forget_bias=unit_forget_bias, **kwargs)
        if not isinstance(epsilon, (int, float)) or isinstance(epsilon, bool) or not epsilon > 0:
            raise ValueError(f"Layer '{self.name}': epsilon must be a positive number; got {epsilon!r}")
        self.epsilon = float(epsilon)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_initializer = initializers.get(beta_initializer)
        self._init_args.update(gamma_initializer=gamma_initializer, beta_initializer=beta_initializer)

    def build(self, input_shape: Any) -> None:
        super().build(input_shape)
        width = 4 * self.units
        self.input_gamma = self.new_parameter((width,), self.gamma_initializer)
        self.input_beta = self.new_parameter((width,), self.beta_initializer)
        self.recurrent_gamma = self.new_parameter((width,), self.gamma_initializer)
        self.recurrent_beta = self.new_parameter((width,), self.beta_initializer)
        self.cell_gamma = self.new_parameter((self.units,), self.gamma_initializer)
        self.cell_beta = self.new_parameter((self.units,), self.beta_initializer)

    def sequence_weights(self) -> tuple[torch.Tensor | None, ...]:
        """The weights in the order of ``cells.LAYER_NORM_LSTM.weights``."""
        return (
            self.kernel, self.recurrent_kernel, self.bias, self.input_gamma, self.input_beta,
            self.recurrent_gamma, self.recurrent_beta, self.cell_gamma, self.cell_beta,
        )

    def sequence_options(self) -> dict[str, Any]:
        return {**super().sequence_options(), "epsilon": self.epsilon}

    def call(self, inputs, states=(), mask=None, training=False):
        """One step: ``inputs`` (B, I), ``states`` [h, c] (B, H) -> ``(h, [h, c])``."""
        spec = cells.LAYER_NORM_LSTM
        weights, options = self.sequence_weights(), spec.with_defaults(self.sequence_options())
        xw = spec.project(inputs, weights, options)  # (B, 4H)
        (h, c), _ = spec.make_step(weights, options, None)(xw, tuple(states))
        return h, [h, c]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "epsilon": self.epsilon}


class LayerNormLSTM(_CellLayer):
    """LSTM layer with layer-normalized gate pre-activations and cell state (Ba et al., 2016).

    ``LayerNormLSTM(units, return_sequences=False, return_state=False, go_backwards=False,
    stateful=False, dropout=0.0, recurrent_dropout=0.0, epsilon=1e-3, ...)``; input
    ``(batch, time, features)``, output ``(batch, units)`` or ``(batch, time, units)``, states
    ``[h, c]``. Activations other than tanh/sigmoid are accepted as in ``LSTM``.
    """

    cell_class = LayerNormLSTMCell
    cell_arguments = (*_CELL_ARGS, *_NORM_ARGS)
