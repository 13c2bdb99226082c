"""Experiment tracking: TensorBoard always, Weights & Biases only when configured.

Weights & Biases never prompts: it is used only when asked for (``use_wandb=True``) or
when an API key is configured (``WANDB_API_KEY`` or a ``wandb login`` entry in
``~/.netrc``); asked for without a key, it logs offline for a later ``wandb sync``.
Used by chapter 4 (the ECG lab).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import keras

WANDB_PROJECT = "anomaly-detection-autoencoders"


def wandb_key_configured() -> bool:
    """Return True when a Weights & Biases API key is available without asking anyone."""
    if os.environ.get("WANDB_API_KEY"):
        return True
    netrc = Path(os.environ.get("NETRC", Path.home() / ".netrc"))
    try:
        return "api.wandb.ai" in netrc.read_text()
    except OSError:
        return False


def run_directory(run_name: str, log_root: str | Path = "logs") -> Path:
    """Return ``log_root/<run name as a safe folder name>`` for one training run."""
    if not isinstance(run_name, str):
        raise ValueError(f"run_name must be a string such as 'dense autoencoder', got {type(run_name).__name__}")
    safe_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", run_name).strip("-") or "run"
    return Path(log_root) / safe_name


def callbacks(
    run_name: str,
    log_root: str | Path = "logs",
    use_wandb: bool | None = None,
    project: str = WANDB_PROJECT,
) -> list[keras.callbacks.Callback]:
    """Return the tracking callbacks for one training run.

    A TensorBoard callback writing to ``log_root/<run_name>``; plus Weights & Biases'
    ``WandbMetricsLogger`` when ``use_wandb`` is True, or when it is None and a key is
    configured. With ``use_wandb=True`` and no key, the run is logged offline.
    """
    log_directory = run_directory(run_name, log_root)
    result: list[keras.callbacks.Callback] = [keras.callbacks.TensorBoard(log_dir=str(log_directory))]
    if use_wandb is None:
        use_wandb = wandb_key_configured()
    if use_wandb:
        import wandb
        from wandb.integration.keras import WandbMetricsLogger

        mode = "online" if wandb_key_configured() else "offline"
        wandb.init(project=project, name=run_name, mode=mode, dir=str(log_directory), reinit="finish_previous")
        result.append(WandbMetricsLogger())
    return result
