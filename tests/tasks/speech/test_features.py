"""The log-mel features against a float64 reference written here from the definitions: a direct DFT
(sums of cosines and sines, no FFT) and HTK triangles computed bin by bin."""

import math

import numpy as np
import pytest

from rnnkit.tasks.speech.features import LogMelConfig, hz_to_mel, log_mel, mel_filterbank, normalise


def reference_log_mel(samples, config):
    f_max = config.sample_rate / 2 if config.f_max is None else config.f_max
    mel = lambda f: 2595.0 * math.log10(1.0 + f / 700.0)
    hz = lambda m: 700.0 * (10.0 ** (m / 2595.0) - 1.0)
    low, high = mel(config.f_min), mel(f_max)
    corners = [hz(low + (high - low) * k / (config.n_mels + 1)) for k in range(config.n_mels + 2)]
    bins = config.n_fft // 2 + 1
    bank = np.zeros((config.n_mels, bins))
    for m in range(config.n_mels):
        left, centre, right = corners[m], corners[m + 1], corners[m + 2]
        for k in range(bins):
            f = k * config.sample_rate / config.n_fft
            if left < f <= centre:
                bank[m, k] = (f - left) / (centre - left)
            elif centre < f < right:
                bank[m, k] = (right - f) / (right - centre)
    n = np.arange(config.n_fft)
    frames = []
    for start in range(0, len(samples) - config.frame_length + 1, config.hop):
        frame = np.zeros(config.n_fft)
        for i in range(config.frame_length):
            frame[i] = samples[start + i] * (0.5 - 0.5 * math.cos(2 * math.pi * i / config.frame_length))
        power = np.empty(bins)
        for k in range(bins):
            re = np.sum(frame * np.cos(2 * np.pi * k * n / config.n_fft))
            im = -np.sum(frame * np.sin(2 * np.pi * k * n / config.n_fft))
            power[k] = re * re + im * im
        frames.append(np.log(bank @ power + config.floor))
    return np.array(frames)


@pytest.mark.parametrize("config", [LogMelConfig(sample_rate=8000, frame_length=200, hop=80, n_fft=256, n_mels=20),
                                    LogMelConfig(sample_rate=16000, frame_length=400, hop=240, n_fft=512, n_mels=24, f_min=100, f_max=7000)])
def test_log_mel_matches_a_direct_float64_computation(config):
    rng = np.random.default_rng(0)
    t = np.arange(int(0.06 * config.sample_rate)) / config.sample_rate
    samples = 0.5 * np.sin(2 * np.pi * 440 * t) + 0.2 * np.sin(2 * np.pi * 1700 * t) + 0.05 * rng.normal(size=len(t))
    ours = log_mel(samples, config)
    expected = reference_log_mel(samples, config)
    assert ours.shape == expected.shape == (1 + (len(samples) - config.frame_length) // config.hop, config.n_mels)
    np.testing.assert_allclose(ours, expected, rtol=0, atol=2e-5)


def test_htk_mel_scale_and_filterbank_shape():
    assert hz_to_mel(700.0) == pytest.approx(2595.0 * math.log10(2.0))
    assert hz_to_mel(1000.0) == pytest.approx(999.99, abs=0.01)  # the scale is built so 1000 Hz is about 1000 mel
    bank = mel_filterbank(LogMelConfig())
    assert bank.shape == (40, 257) and bank.max() <= 1.0 and (bank.sum(axis=1) > 0).all()


def test_a_tone_lights_the_band_around_its_frequency():
    config = LogMelConfig()
    t = np.arange(16000) / 16000
    features = log_mel(np.sin(2 * np.pi * 1000 * t), config)
    band = int(np.argmax(features.mean(axis=0)))
    centres = np.linspace(hz_to_mel(config.f_min), hz_to_mel(8000), config.n_mels + 2)[1:-1]
    assert abs(centres[band] - hz_to_mel(1000)) < (centres[1] - centres[0])


def test_a_clip_shorter_than_one_window_gives_one_frame_and_normalise_centres_each_band():
    assert log_mel(np.ones(100)).shape == (1, 40)
    x = np.random.default_rng(1).normal(3.0, 2.0, size=(50, 4))
    x[:, 3] = 7.0  # a flat band: centred, not divided by zero
    y = normalise(x)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(y[:, :3].std(axis=0), 1, atol=1e-4)
    assert np.all(y[:, 3] == 0)
    with pytest.raises(ValueError, match="mono samples shaped"):
        log_mel(np.zeros((100, 2)))
