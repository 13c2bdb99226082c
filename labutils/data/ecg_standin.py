"""Generated heartbeats in TensorFlow's ``ecg.csv`` format, for tests of the ECG reader.

No lab uses them (the quick profile reads the real beats shipped with labutils); tests
serve them as ``ecg.csv`` of any size, and the real loader reads them like the real file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

ECG_LENGTH = 140  # samples per heartbeat, as in ECG5000


def _bump(time: np.ndarray, centre: float, width: float) -> np.ndarray:
    return np.exp(-0.5 * ((time - centre) / width) ** 2)


def make_ecg_standin(
    path: str | Path, n_normal: int = 175, n_anomalous: int = 125, seed: int = 0
) -> Path:
    """Write generated heartbeats in TensorFlow's ``ecg.csv`` format and return the path.

    Normal beats: a deep early dip, a T wave and the next beat's rise, with jitter in
    timing and amplitude. Anomalous beats: one of three deformations (inverted T wave,
    a premature extra bump, a widened and shifted dip). Each beat is z-normalised as in
    the UCR archive. The same class balance as the shipped real subset by default.
    """
    if n_normal < 1 or n_anomalous < 0:
        raise ValueError(f"need at least one normal beat and no negative counts, got {n_normal}, {n_anomalous}")
    rng = np.random.default_rng(seed)
    time = np.linspace(0.0, 1.0, ECG_LENGTH)
    beats, labels = [], []
    for index in range(n_normal + n_anomalous):
        anomalous = index >= n_normal
        shift = rng.normal(0.0, 0.01)
        dip = -3.5 * rng.uniform(0.85, 1.15) * _bump(time, 0.04 + shift, 0.018)
        t_wave = rng.uniform(0.8, 1.2) * _bump(time, 0.62 + shift, 0.08)
        next_beat = 1.5 * _bump(time, 0.98 + shift, 0.025)
        if anomalous:
            kind = rng.integers(3)
            if kind == 0:
                t_wave = -t_wave
            elif kind == 1:
                t_wave = t_wave + 1.6 * _bump(time, rng.uniform(0.3, 0.45), 0.03)
            else:
                dip = -2.5 * _bump(time, 0.12 + shift, 0.05)
        beat = dip + t_wave + next_beat + rng.normal(0.0, 0.08, ECG_LENGTH)
        beats.append((beat - beat.mean()) / beat.std())
        labels.append(0.0 if anomalous else 1.0)
    table = np.column_stack([np.asarray(beats), labels])
    order = rng.permutation(len(table))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savetxt(path, table[order], delimiter=",", fmt="%.6e")
    return path
