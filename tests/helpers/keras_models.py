"""Keras model definitions written once for the fixture generators and the tests that rebuild them.

A fixture is made by running a model in real Keras (``scripts/make_keras_fixtures*.py``, with
``keras`` or ``tf_keras``); a test rebuilds the same model in rnnkit, gives it the fixture's
weights and compares. Because rnnkit speaks Keras's API, each builder here takes the Keras-like
module as its first argument (``keras``, ``tf_keras`` or ``rnnkit``) and returns the model, so the
model a fixture was made from and the one a test checks cannot drift apart. This module imports
neither Keras nor rnnkit.

Layer names are left to the module's auto-naming (``lstm``, ``lstm_1``, ...), so a builder must
run right after ``clear_session()`` for its names to match a fixture's.
"""

from __future__ import annotations


def _seq(keras, *layers):
    return keras.Sequential(list(layers))


# ----------------------------------------------------------------- tests/fixtures/keras
# (scripts/make_keras_fixtures.py; tests/saving/test_keras_fixtures.py). Inputs are (batch, T, I)
# floats or (batch, T) int32 ids; the case name is the builder's name.
def go_backwards_lstm_seq(keras):
    L = keras.layers
    return _seq(keras, keras.Input((6, 2)), L.LSTM(3, return_sequences=True, go_backwards=True))


def go_backwards_gru_last(keras):
    return _seq(keras, keras.Input((6, 2)), keras.layers.GRU(3, go_backwards=True))


def gru_reset_before(keras):
    return _seq(keras, keras.Input((5, 2)), keras.layers.GRU(4, reset_after=False, return_sequences=True))


def gru_reset_before_state(keras):
    x = keras.Input((5, 2))
    o, h = keras.layers.GRU(4, reset_after=False, return_state=True)(x)
    return keras.Model(x, [o, h])


def lstm_hard_sigmoid(keras):
    L = keras.layers
    return _seq(keras, keras.Input((5, 2)),
                L.LSTM(3, activation="relu", recurrent_activation="hard_sigmoid", return_sequences=True))


def simple_rnn_relu_nobias(keras):
    L = keras.layers
    return _seq(keras, keras.Input((5, 3)), L.SimpleRNN(4, activation="relu", use_bias=False, return_sequences=True))


def lstm_nobias(keras):
    return _seq(keras, keras.Input((5, 2)), keras.layers.LSTM(3, use_bias=False))


def bigru_state(keras):
    L = keras.layers
    x = keras.Input((6, 2))
    return keras.Model(x, list(L.Bidirectional(L.GRU(3, return_state=True))(x)))


def bilstm_seq_state(keras):
    L = keras.layers
    x = keras.Input((6, 2))
    return keras.Model(x, list(L.Bidirectional(L.LSTM(3, return_sequences=True, return_state=True))(x)))


def bi_merge_mul(keras):
    L = keras.layers
    x = keras.Input((6, 2))
    return keras.Model(x, L.Bidirectional(L.LSTM(3, return_sequences=True), merge_mode="mul")(x))


def bi_merge_ave(keras):
    L = keras.layers
    x = keras.Input((6, 2))
    return keras.Model(x, L.Bidirectional(L.GRU(3, return_sequences=True), merge_mode="ave")(x))


def bi_merge_none(keras):
    L = keras.layers
    x = keras.Input((6, 2))
    return keras.Model(x, list(L.Bidirectional(L.LSTM(3, return_sequences=True), merge_mode=None)(x)))


def bi_simple_concat(keras):
    """The Keras 2 habit of ``input_shape=`` on the first layer (here the Bidirectional wrapper)."""
    L = keras.layers
    return keras.Sequential([L.Bidirectional(L.SimpleRNN(4), input_shape=(5, 3))])


def masked_bilstm_seq(keras):
    L = keras.layers
    return _seq(keras, keras.Input((8,), dtype="int32"),
                L.Embedding(20, 4, mask_zero=True),
                L.Bidirectional(L.LSTM(3, return_sequences=True)),
                L.TimeDistributed(L.Dense(5, activation="softmax")))


def masked_gru_seq_leading(keras):
    L = keras.layers
    return _seq(keras, keras.Input((7,), dtype="int32"), L.Embedding(15, 3, mask_zero=True),
                L.GRU(4, return_sequences=True))


def masked_go_backwards(keras):
    L = keras.layers
    return _seq(keras, keras.Input((7,), dtype="int32"), L.Embedding(15, 3, mask_zero=True),
                L.LSTM(3, return_sequences=True, go_backwards=True))


def masking_layer_simple(keras):
    L = keras.layers
    return _seq(keras, keras.Input((6, 2)), L.Masking(mask_value=0.0), L.SimpleRNN(3, return_sequences=True),
                L.SimpleRNN(2))


def masked_bigru_last(keras):
    L = keras.layers
    return _seq(keras, keras.Input((8,), dtype="int32"), L.Embedding(20, 4, mask_zero=True),
                L.Bidirectional(L.GRU(3)), L.Dense(2, activation="softmax"))


def initial_state_lstm(keras):
    """Inputs: the sequence (6, 2), then h0 and c0 (3,)."""
    x, h0, c0 = keras.Input((6, 2)), keras.Input((3,)), keras.Input((3,))
    return keras.Model([x, h0, c0], keras.layers.LSTM(3, return_sequences=True)(x, initial_state=[h0, c0]))


def encoder_decoder(keras):
    """Inputs: encoder (5, 2), decoder (4, 2); the encoder's last [h, c] start the decoder."""
    L = keras.layers
    enc, dec = keras.Input((5, 2)), keras.Input((4, 2))
    _, h, c = L.LSTM(3, return_state=True)(enc)
    y = L.LSTM(3, return_sequences=True)(dec, initial_state=[h, c])
    return keras.Model([enc, dec], L.Dense(2)(y))


def stacked_stock(keras):
    """The seed model of the project, scaled down, with explicit layer names."""
    L = keras.layers
    return _seq(keras, keras.Input(shape=(6, 3)),
                L.LSTM(8, return_sequences=True, name="LSTM_0"),
                L.LSTM(6, return_sequences=True, name="LSTM_1"),
                L.LSTM(4, return_sequences=True, name="LSTM_2"),
                L.LSTM(3, return_sequences=True, name="LSTM_3"),
                L.Flatten(),
                L.Dense(5, activation="swish"),
                L.Dense(1, activation="sigmoid"))


def concat_two_branches(keras):
    L = keras.layers
    a, b = keras.Input((5, 2)), keras.Input((5, 3))
    y = L.Concatenate()([L.LSTM(3)(a), L.GRU(2)(b)])
    return keras.Model([a, b], L.Dense(1)(y))


def time_distributed_dense_relu(keras):
    L = keras.layers
    return _seq(keras, keras.Input((5, 2)),
                L.SimpleRNN(4, return_sequences=True),
                L.TimeDistributed(L.Dense(3, activation="relu")),
                L.Dropout(0.5),
                L.Reshape((15,)),
                L.Activation("tanh"))


def average_pooling_masked(keras):
    L = keras.layers
    return _seq(keras, keras.Input((7,), dtype="int32"), L.Embedding(15, 4, mask_zero=True),
                L.Bidirectional(L.LSTM(3, return_sequences=True)), L.GlobalAveragePooling1D(), L.Dense(2))


def max_pooling_masked(keras):
    L = keras.layers
    return _seq(keras, keras.Input((7,), dtype="int32"), L.Embedding(15, 4, mask_zero=True),
                L.Bidirectional(L.GRU(3, return_sequences=True)), L.GlobalMaxPooling1D(), L.Dense(2))


def keras2_gru_default(keras):
    """Saved by tf_keras (Keras 2), whose GRU defaults differ from Keras 3's only in name."""
    return _seq(keras, keras.Input((5, 2)), keras.layers.GRU(3))


def keras2_lstm_seq_dense(keras):
    L = keras.layers
    return _seq(keras, keras.Input((5, 2)), L.LSTM(4, return_sequences=True), L.Dense(2))


def keras2_bilstm(keras):
    L = keras.layers
    return _seq(keras, keras.Input((6, 2)), L.Bidirectional(L.LSTM(3, return_sequences=True)), L.LSTM(2))


RECURRENT_FIXTURES = {build.__name__: build for build in (
    go_backwards_lstm_seq, go_backwards_gru_last, gru_reset_before, gru_reset_before_state, lstm_hard_sigmoid,
    simple_rnn_relu_nobias, lstm_nobias, bigru_state, bilstm_seq_state, bi_merge_mul, bi_merge_ave,
    bi_merge_none, bi_simple_concat, masked_bilstm_seq, masked_gru_seq_leading, masked_go_backwards,
    masking_layer_simple, masked_bigru_last, initial_state_lstm, encoder_decoder, stacked_stock,
    concat_two_branches, time_distributed_dense_relu, average_pooling_masked, max_pooling_masked,
    keras2_gru_default, keras2_lstm_seq_dense, keras2_bilstm,
)}
"""The models of ``tests/fixtures/keras`` made by scripts/make_keras_fixtures.py, by case name."""


# ----------------------------------------------------------------- tests/fixtures/keras_layers
# (scripts/make_keras_fixtures_layers.py; the tests in tests/layers/ that rebuild them in code).
def conv_options(keras):
    """Input (16, 4): Conv1D causal/dilated, strided same with groups and no bias, valid; pooling,
    padding, upsampling and cropping; GRU(3) -> (batch, 3)."""
    L = keras.layers
    return keras.Sequential([
        keras.Input((16, 4)),
        L.Conv1D(6, 3, padding="causal", dilation_rate=2),
        L.Conv1D(4, 3, strides=2, padding="same", groups=2, use_bias=False, activation="tanh"),
        L.Conv1D(4, 2, strides=1, padding="valid"),
        L.AveragePooling1D(3, strides=2, padding="same"),
        L.ZeroPadding1D((1, 2)),
        L.MaxPooling1D(2, padding="same"),
        L.UpSampling1D(3),
        L.Cropping1D((2, 1)),
        L.AveragePooling1D(2),
        L.GRU(3),
    ])


def seq2seq_repeat(keras):
    """The addition example's shape: input (7, 3) -> LSTM encoder -> RepeatVector(5) -> LSTM
    decoder -> TimeDistributed(Dense(4, softmax)) -> (batch, 5, 4)."""
    L = keras.layers
    return keras.Sequential([
        keras.Input((7, 3)),
        L.LSTM(8),
        L.RepeatVector(5),
        L.LSTM(8, return_sequences=True),
        L.TimeDistributed(L.Dense(4, activation="softmax")),
    ])


def bilstm_attention(keras):
    """Ids (10,) -> masked BiLSTM with Attention, Attention(scale, concat, causal, scores) and
    AdditiveAttention; outputs [y (batch, 3), a, scores (batch, 10, 10), c, d]."""
    L = keras.layers
    x = keras.Input((10,), dtype="int32")
    e = L.Embedding(25, 6, mask_zero=True)(x)
    h = L.Bidirectional(L.LSTM(4, return_sequences=True))(e)
    a = L.Attention()([h, h])
    b, scores = L.Attention(use_scale=True, score_mode="concat")([h, h], return_attention_scores=True, use_causal_mask=True)
    c = L.AdditiveAttention()([h, e, h])
    d = L.AdditiveAttention(use_scale=False)([h, h])
    pooled = L.GlobalAveragePooling1D()(L.Concatenate()([a, b, c, d]))
    y = L.Dense(3, activation="softmax")(pooled)
    return keras.Model(x, [y, a, scores, c, d])


def mha_lstm(keras):
    """Ids (9,) -> MultiHeadAttention over masked LSTM outputs, residual Add, LayerNormalization;
    causal and scores variants; outputs [y (batch, 2), a, r, c, s, q]."""
    L = keras.layers
    x = keras.Input((9,), dtype="int32")
    e = L.Embedding(20, 6, mask_zero=True)(x)
    h = L.LSTM(8, return_sequences=True)(e)
    a = L.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4)(h, h)
    r = L.LayerNormalization()(L.Add()([h, a]))
    c, s = L.MultiHeadAttention(num_heads=3, key_dim=2, output_shape=5, dropout=0.1)(
        r, e, return_attention_scores=True, use_causal_mask=True)
    q = L.MultiHeadAttention(num_heads=1, key_dim=4, use_bias=False)(a, h, h, use_causal_mask=True)
    y = L.Dense(2)(L.GlobalMaxPooling1D()(r))
    return keras.Model(x, [y, a, r, c, s, q])


# Functional graphs whose masks flow: Keras 3 saves them with the mask arithmetic as operations
# (NotEqual, Any, LogicalOr, ...) and explicit mask= arguments (rnnkit.layers.operations).
def graph_masked_stack(keras):
    """Ids (7,) -> Embedding(mask_zero) -> LSTM(seq) -> GRU -> Dense: not_equal feeds both masks."""
    L = keras.layers
    x = keras.Input((None,), dtype="int32")
    h = L.GRU(3)(L.LSTM(5, return_sequences=True)(L.Embedding(20, 4, mask_zero=True)(x)))
    return keras.Model(x, L.Dense(2)(h))


def graph_masking_layer(keras):
    """Floats (7, 3) -> Masking -> LSTM -> Dense: the mask is any(not_equal(x, 0), axis=-1)."""
    L = keras.layers
    x = keras.Input((None, 3))
    return keras.Model(x, L.Dense(1)(L.LSTM(4)(L.Masking(0.0)(x))))


def graph_masked_bidirectional(keras):
    """Ids (7,) -> Embedding(mask_zero) -> Bidirectional(LSTM(seq)) -> TimeDistributed(Dense)."""
    L = keras.layers
    x = keras.Input((None,), dtype="int32")
    h = L.Bidirectional(L.LSTM(4, return_sequences=True))(L.Embedding(20, 4, mask_zero=True)(x))
    return keras.Model(x, L.TimeDistributed(L.Dense(3))(h))


def graph_masked_branches(keras):
    """Ids (7,) -> Embedding(mask_zero) -> [LSTM(seq), GRU(seq)] -> Concatenate and Add -> LSTM each:
    the concatenated mask is built by expand_dims/zeros_like/logical_or/concatenate/any."""
    L = keras.layers
    x = keras.Input((7,), dtype="int32")
    e = L.Embedding(20, 4, mask_zero=True)(x)
    a, b = L.LSTM(4, return_sequences=True)(e), L.GRU(4, return_sequences=True)(e)
    joined = L.LSTM(2)(L.Concatenate()([a, b]))
    summed = L.LSTM(2)(L.Add()([a, b]))
    return keras.Model(x, [joined, summed])


def graph_masked_state(keras):
    """Ids (7,) -> Embedding(mask_zero) -> LSTM(seq, state) -> LSTM(initial_state=[h, c]) -> pooled.
    Keras 3 passes the second LSTM no mask: its call has more than one tensor argument."""
    L = keras.layers
    x = keras.Input((7,), dtype="int32")
    o, h, c = L.LSTM(4, return_sequences=True, return_state=True)(L.Embedding(20, 4, mask_zero=True)(x))
    y = L.LSTM(4, return_sequences=True)(o, initial_state=[h, c])
    return keras.Model(x, [y, L.GlobalAveragePooling1D()(o)])


GRAPH_MASK_CASES = {f.__name__: f for f in (graph_masked_stack, graph_masking_layer, graph_masked_bidirectional,
                                            graph_masked_branches, graph_masked_state)}


def batchnorm_inference(keras):
    """Input (9, 4): BatchNormalization before and after an LSTM, with center/scale off;
    LayerNormalization on two axes; Dense(2) -> (batch, 9, 2)."""
    L = keras.layers
    return keras.Sequential([
        keras.Input((9, 4)),
        L.BatchNormalization(),
        L.LSTM(5, return_sequences=True),
        L.BatchNormalization(center=False, momentum=0.9, epsilon=0.01),
        L.BatchNormalization(scale=False, axis=1),
        L.LayerNormalization(axis=[1, 2], epsilon=1e-5),
        L.LayerNormalization(center=False),
        L.Dense(2),
    ])


def merges(keras):
    """Inputs ids (6,) and floats (6, 3): two LSTM/GRU branches, one masked by
    Embedding(mask_zero), one by Masking, plus an unmasked Dense branch, merged every Keras way
    (11 outputs)."""
    L = keras.layers
    xi = keras.Input((6,), dtype="int32")
    xf = keras.Input((6, 3))
    h1 = L.LSTM(4, return_sequences=True)(L.Embedding(15, 3, mask_zero=True)(xi))
    h2 = L.GRU(4, return_sequences=True)(L.Masking()(xf))
    h3 = L.Dense(4)(xf)  # unmasked
    outs = [
        L.Add()([h1, h2]),
        L.Subtract()([h1, h2]),
        L.Multiply()([h1, h2]),
        L.Average()([h1, h2, h3]),
        L.Maximum()([h1, h2]),
        L.Minimum()([h1, h3]),
        L.Maximum()([h3, h1]),
        L.Multiply()([h1, h3]),
        L.Dot(axes=2)([h1, h2]),
        L.Dot(axes=(1, 1), normalize=True)([h1, h3]),
        L.Dot(axes=-1)([L.LSTM(4)(xf), L.Dense(4)(L.Flatten()(xf))]),
    ]
    return keras.Model([xi, xf], outs)


def mask_probes(keras):
    """Layer name -> a call of that layer on an Embedding(mask_zero) output ``e`` (batch, T, 4):
    which layers pass the mask on (mask_probes.npz/json)."""
    L = keras.layers
    return {
        "BatchNormalization": lambda e: L.BatchNormalization()(e),
        "LayerNormalization": lambda e: L.LayerNormalization()(e),
        "SpatialDropout1D": lambda e: L.SpatialDropout1D(0.5)(e),
        "GaussianNoise": lambda e: L.GaussianNoise(0.5)(e),
        "GaussianDropout": lambda e: L.GaussianDropout(0.5)(e),
        "Identity": lambda e: L.Identity()(e),
        "ReLU": lambda e: L.ReLU()(e),
        "LeakyReLU": lambda e: L.LeakyReLU()(e),
        "PReLU": lambda e: L.PReLU()(e),
        "ELU": lambda e: L.ELU()(e),
        "Normalization": lambda e: L.Normalization(mean=0.0, variance=1.0)(e),
        "Attention": lambda e: L.Attention()([e, e]),
        "AdditiveAttention": lambda e: L.AdditiveAttention()([e, e]),
        "MultiHeadAttention": lambda e: L.MultiHeadAttention(1, 2)(e, e),
        "Add": lambda e: L.Add()([e, e]),
        "Dot": lambda e: L.Dot(axes=2)([e, e]),
        "Conv1D": lambda e: L.Conv1D(2, 2, padding="same")(e),
        "MaxPooling1D": lambda e: L.MaxPooling1D(1)(e),
        "AveragePooling1D": lambda e: L.AveragePooling1D(1)(e),
        "Permute": lambda e: L.Permute((1, 2))(e),
        "Cropping1D": lambda e: L.Cropping1D((0, 0))(e),
        "ZeroPadding1D": lambda e: L.ZeroPadding1D(0)(e),
        "UpSampling1D": lambda e: L.UpSampling1D(1)(e),
    }


# ----------------------------------------------------------------- tests/fixtures/keras_training
# (scripts/make_keras_fixtures_training.py; tests/training/test_keras_dynamics.py)
TRAINING_T, TRAINING_FEATURES, TRAINING_VOCAB = 5, 3, 9


def training_model(keras, kind, units, activation):
    """The small model of a training-dynamics case: a body by ``kind`` ("dense" on (3,) floats;
    "lstm", "gru", "simple_rnn" on (5, 3) floats; "embed_lstm" / "embed_seq" on (5,) ids through
    Embedding(9, 3, mask_zero=True) + LSTM(4), the last step or every step) and a Dense(units,
    activation) head."""
    L = keras.layers
    T, features, vocab = TRAINING_T, TRAINING_FEATURES, TRAINING_VOCAB
    if kind == "dense":
        body = [keras.Input((features,)), L.Dense(5, activation="tanh")]
    elif kind in ("lstm", "gru", "simple_rnn"):
        cls = {"lstm": L.LSTM, "gru": L.GRU, "simple_rnn": L.SimpleRNN}[kind]
        body = [keras.Input((T, features)), cls(4)]
    elif kind in ("embed_lstm", "embed_seq"):  # embed_seq: one output per step, padded steps masked out of the loss
        body = [keras.Input((T,), dtype="int32"), L.Embedding(vocab, 3, mask_zero=True),
                L.LSTM(4, return_sequences=kind == "embed_seq")]
    else:
        raise ValueError(f"training_model: kind must be dense, lstm, gru, simple_rnn, embed_lstm or embed_seq, got {kind!r}")
    return keras.Sequential(body + [L.Dense(units, activation=activation)])


def initializer_models(keras):
    """Layer kind -> a model holding one such layer at Keras's default initializers (the
    statistics in initializers.json)."""
    L = keras.layers
    return {
        "dense": lambda: keras.Sequential([keras.Input((40,)), L.Dense(60)]),
        "lstm": lambda: keras.Sequential([keras.Input((3, 24)), L.LSTM(32)]),
        "gru": lambda: keras.Sequential([keras.Input((3, 24)), L.GRU(32)]),
        "simple_rnn": lambda: keras.Sequential([keras.Input((3, 24)), L.SimpleRNN(32)]),
        "embedding": lambda: keras.Sequential([keras.Input((3,), dtype="int32"), L.Embedding(500, 16)]),
    }


# ----------------------------------------------------------------- tests/fixtures/saving
# (scripts/make_saving_fixtures.py; tests/saving/test_keras_files.py)
def keras3_shared_gru(keras):
    """Inputs (5, 2) and (6, 2) through one shared GRU(3), concatenated, Dense(2) -> (batch, 2)."""
    L = keras.layers
    a, b = keras.Input((5, 2)), keras.Input((6, 2))
    shared = L.GRU(3)
    return keras.Model([a, b], L.Dense(2)(L.Concatenate()([shared(a), shared(b)])))
