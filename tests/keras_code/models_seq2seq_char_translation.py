"""Character-level sequence-to-sequence translation, as the keras.io example builds it.

The "translation" here is tiny and generated: a word of letters becomes the same word reversed.
The training model is saved and loaded back, and the inference encoder and decoder are made
from the loaded model's layers (``model.input``, ``model.layers[i].output``), then decode
greedily one character at a time.
"""

import numpy as np

import rnnkit as keras

rng = np.random.default_rng(0)
letters = "abcdef"
input_texts = ["".join(rng.choice(list(letters), size=rng.integers(2, 5))) for _ in range(300)]
target_texts = ["\t" + text[::-1] + "\n" for text in input_texts]  # "\t" starts, "\n" ends a target

input_characters = sorted(set("".join(input_texts)))
target_characters = sorted(set("".join(target_texts)))
num_encoder_tokens, num_decoder_tokens = len(input_characters), len(target_characters)
max_encoder_seq_length = max(len(t) for t in input_texts)
max_decoder_seq_length = max(len(t) for t in target_texts)
input_token_index = {char: i for i, char in enumerate(input_characters)}
target_token_index = {char: i for i, char in enumerate(target_characters)}

encoder_input_data = np.zeros((len(input_texts), max_encoder_seq_length, num_encoder_tokens), dtype="float32")
decoder_input_data = np.zeros((len(input_texts), max_decoder_seq_length, num_decoder_tokens), dtype="float32")
decoder_target_data = np.zeros((len(input_texts), max_decoder_seq_length, num_decoder_tokens), dtype="float32")
for i, (input_text, target_text) in enumerate(zip(input_texts, target_texts)):
    for t, char in enumerate(input_text):
        encoder_input_data[i, t, input_token_index[char]] = 1.0
    for t, char in enumerate(target_text):
        decoder_input_data[i, t, target_token_index[char]] = 1.0
        if t > 0:
            decoder_target_data[i, t - 1, target_token_index[char]] = 1.0

latent_dim = 48
encoder_inputs = keras.Input(shape=(None, num_encoder_tokens))
encoder = keras.layers.LSTM(latent_dim, return_state=True)
encoder_outputs, state_h, state_c = encoder(encoder_inputs)
encoder_states = [state_h, state_c]
decoder_inputs = keras.Input(shape=(None, num_decoder_tokens))
decoder_lstm = keras.layers.LSTM(latent_dim, return_sequences=True, return_state=True)
decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=encoder_states)
decoder_dense = keras.layers.Dense(num_decoder_tokens, activation="softmax")
decoder_outputs = decoder_dense(decoder_outputs)
model = keras.Model([encoder_inputs, decoder_inputs], decoder_outputs)

keras.utils.set_random_seed(1)
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy", metrics=["accuracy"])
history = model.fit([encoder_input_data, decoder_input_data], decoder_target_data, batch_size=32, epochs=12,
                    validation_split=0.2, verbose=2)
assert history.history["loss"][-1] < 0.5 * history.history["loss"][0], history.history["loss"]
model.save("s2s_model.keras")

# ----- inference: sub-models of the loaded model's layers -----
model = keras.models.load_model("s2s_model.keras")
encoder_inputs = model.input[0]
encoder_outputs, state_h_enc, state_c_enc = model.layers[2].output
encoder_model = keras.Model(encoder_inputs, [state_h_enc, state_c_enc])

decoder_inputs = model.input[1]
decoder_state_input_h = keras.Input(shape=(latent_dim,))
decoder_state_input_c = keras.Input(shape=(latent_dim,))
decoder_states_inputs = [decoder_state_input_h, decoder_state_input_c]
decoder_lstm = model.layers[3]
decoder_outputs, state_h_dec, state_c_dec = decoder_lstm(decoder_inputs, initial_state=decoder_states_inputs)
decoder_dense = model.layers[4]
decoder_outputs = decoder_dense(decoder_outputs)
decoder_model = keras.Model([decoder_inputs] + decoder_states_inputs, [decoder_outputs, state_h_dec, state_c_dec])

reverse_target_char_index = {i: char for char, i in target_token_index.items()}


def decode_sequence(input_seq):
    states_value = encoder_model.predict(input_seq, verbose=0)
    target_seq = np.zeros((1, 1, num_decoder_tokens))
    target_seq[0, 0, target_token_index["\t"]] = 1.0
    decoded_sentence = ""
    while True:
        output_tokens, h, c = decoder_model.predict([target_seq] + states_value, verbose=0)
        sampled_char = reverse_target_char_index[int(np.argmax(output_tokens[0, -1, :]))]
        if sampled_char == "\n" or len(decoded_sentence) > max_decoder_seq_length:
            break
        decoded_sentence += sampled_char
        target_seq = np.zeros((1, 1, num_decoder_tokens))
        target_seq[0, 0, target_token_index[sampled_char]] = 1.0
        states_value = [h, c]
    return decoded_sentence


correct = 0
for seq_index in range(20):
    decoded = decode_sequence(encoder_input_data[seq_index : seq_index + 1])
    print(f"{input_texts[seq_index]!r} -> {decoded!r}")
    correct += decoded == input_texts[seq_index][::-1]
print(f"{correct}/20 reversed exactly")
assert correct >= 10, correct
