"""Experiment tracking: TensorBoard always, Weights & Biases only when configured.

Weights & Biases never prompts and never blocks a notebook for long: it is used only when
asked for (``use_wandb=True``) or when an API key is configured (``WANDB_API_KEY`` or a
``wandb login`` entry in ``~/.netrc``). A user's ``WANDB_MODE`` (``offline``, ``disabled``)
is respected; without a key, or when the W&B server cannot be reached within a few
seconds, the run is logged offline for a later ``wandb sync``, with one line saying so.
Used by the ECG lab.
"""

from __future__ import annotations

import importlib.util
import netrc
import os
import re
import socket
from pathlib import Path
from urllib.parse import urlsplit

import keras

WANDB_PROJECT = "anomaly-detection-autoencoders"
WANDB_HOST = "https://api.wandb.ai"
#: Seconds to wait for the W&B server before logging offline instead.
REACH_SECONDS = 3.0
#: Seconds wandb.init may take online before the run falls back to offline.
INIT_SECONDS = 15.0


def _wandb_host() -> str:
    return os.environ.get("WANDB_BASE_URL") or WANDB_HOST


def wandb_key_configured() -> bool:
    """Return True when a Weights & Biases API key is available without asking anyone.

    Looks where wandb itself looks: ``WANDB_API_KEY``, then the ``.netrc`` entry that
    ``wandb login`` writes (for ``WANDB_BASE_URL``'s host, or any W&B host).
    """
    if os.environ.get("WANDB_API_KEY"):
        return True
    try:
        from wandb.sdk.lib.wbauth import wbnetrc

        if wbnetrc.read_netrc_auth(host=_wandb_host()):
            return True
    except Exception:  # another wandb version, or no wandb: read the file ourselves
        pass
    path = Path(os.environ.get("NETRC") or Path.home() / ".netrc")
    try:
        hosts = netrc.netrc(path).hosts
    except (OSError, netrc.NetrcParseError):
        return False
    wanted = urlsplit(_wandb_host()).netloc
    return any(host == wanted or "wandb" in host for host, entry in hosts.items() if entry[-1])


def _reachable(url: str, seconds: float = REACH_SECONDS) -> bool:
    """Whether a TCP connection to ``url``'s host opens within ``seconds``."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=seconds):
            return True
    except OSError:
        return False


def wandb_mode() -> str:
    """The mode a W&B run starts in: the user's ``WANDB_MODE`` if set, else online or offline.

    Offline when no key is configured (online would prompt for one) or when the server
    cannot be reached within :data:`REACH_SECONDS` (online would wait for minutes).
    """
    chosen = os.environ.get("WANDB_MODE", "").strip().lower()
    if chosen in ("offline", "disabled", "dryrun"):
        return "offline" if chosen == "dryrun" else chosen
    if not wandb_key_configured():
        return "offline"
    if not _reachable(_wandb_host()):
        print(f"Weights & Biases: {_wandb_host()} cannot be reached; logging offline (wandb sync uploads it later)")
        return "offline"
    return "online"


def run_directory(run_name: str, log_root: str | Path = "logs") -> Path:
    """Return ``log_root/<run name as a safe folder name>`` for one training run.

    The folder is always directly inside ``log_root``: characters other than letters, digits,
    ``_``, ``.`` and ``-`` become ``-``, and leading dots go (so ``".."`` cannot point above it
    and no run is hidden); a name with nothing left becomes ``run``.
    """
    if not isinstance(run_name, str):
        raise ValueError(f"run_name must be a string such as 'dense autoencoder', got {type(run_name).__name__}")
    if not isinstance(log_root, (str, os.PathLike)) or not str(log_root).strip():
        raise ValueError(f"log_root must be a folder path such as 'logs', got {log_root!r}")
    safe_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", run_name).strip("-").lstrip(".-") or "run"
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
        if use_wandb and importlib.util.find_spec("wandb") is None:
            print("Weights & Biases: a key is configured but wandb is not installed; TensorBoard only")
            use_wandb = False
    if use_wandb:
        mode = wandb_mode()
        if mode != "disabled":
            _start_wandb_run(project, run_name, mode, log_directory)
            from wandb.integration.keras import WandbMetricsLogger

            result.append(WandbMetricsLogger())
    return result


def _start_wandb_run(project: str, run_name: str, mode: str, log_directory: Path) -> None:
    """``wandb.init`` with a short time limit; an online start that fails becomes an offline run."""
    import wandb

    log_directory.mkdir(parents=True, exist_ok=True)
    options = {"project": project, "name": run_name, "dir": str(log_directory), "reinit": "finish_previous"}
    try:
        wandb.init(mode=mode, settings=wandb.Settings(init_timeout=INIT_SECONDS), **options)
    except Exception as error:  # CommError, UsageError, a time-out: never a traceback in a lab
        if mode != "online":
            raise
        print(f"Weights & Biases: could not start an online run ({type(error).__name__}); logging offline")
        wandb.init(mode="offline", **options)
