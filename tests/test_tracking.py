"""labutils.tracking: TensorBoard always; Weights & Biases only when configured, never prompting."""

from __future__ import annotations

import keras
import pytest

from labutils import tracking


@pytest.fixture
def no_wandb_key(monkeypatch, tmp_path):
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


@pytest.fixture
def fake_wandb_init(monkeypatch):
    """Record wandb.init calls instead of starting a run (an online run needs the network)."""
    import wandb
    import wandb.integration.keras

    calls = []
    monkeypatch.setattr(wandb, "init", lambda **kwargs: calls.append(kwargs))
    monkeypatch.setattr(wandb.integration.keras, "WandbMetricsLogger", lambda: keras.callbacks.Callback())
    return calls


def test_without_a_key_only_tensorboard(no_wandb_key, fake_wandb_init, tmp_path):
    callbacks = tracking.callbacks("ECG dense / run 1", log_root=tmp_path)
    assert [type(callback) for callback in callbacks] == [keras.callbacks.TensorBoard]
    assert callbacks[0].log_dir == str(tmp_path / "ECG-dense-run-1")
    assert fake_wandb_init == []


def test_asked_for_without_a_key_logs_offline_without_prompting(no_wandb_key, tmp_path):
    """A real run: with no key and no terminal, wandb must log offline, not ask for a key."""
    import wandb
    from wandb.integration.keras import WandbMetricsLogger

    try:
        callbacks = tracking.callbacks("run", log_root=tmp_path, use_wandb=True)
        assert isinstance(callbacks[1], WandbMetricsLogger)
        assert wandb.run.settings.mode == "offline"
    finally:
        wandb.finish()
    assert list((tmp_path / "run" / "wandb").glob("offline-run-*"))


def test_a_configured_key_logs_online(monkeypatch, fake_wandb_init, tmp_path):
    monkeypatch.setenv("WANDB_API_KEY", "x" * 40)
    monkeypatch.delenv("WANDB_MODE", raising=False)
    monkeypatch.setattr(tracking, "_reachable", lambda url, seconds=3.0: True)
    assert tracking.wandb_key_configured()
    tracking.callbacks("run", log_root=tmp_path)
    assert fake_wandb_init[0]["mode"] == "online" and fake_wandb_init[0]["project"] == tracking.WANDB_PROJECT


@pytest.mark.parametrize("run_name", [None, 3, keras.Sequential(name="dense")])
def test_run_name_must_be_a_string(no_wandb_key, tmp_path, run_name):
    """Passing the model instead of its name is a clear error, not a TypeError from re."""
    with pytest.raises(ValueError, match=f"run_name must be a string .*, got {type(run_name).__name__}"):
        tracking.callbacks(run_name, log_root=tmp_path)
    assert not list(tmp_path.iterdir())


def test_run_directory_is_a_safe_folder_name(tmp_path):
    assert tracking.run_directory("ECG: dense / lr=3e-3", tmp_path) == tmp_path / "ECG-dense-lr-3e-3"
    assert tracking.run_directory("///", tmp_path) == tmp_path / "run"


@pytest.mark.parametrize("run_name", ["..", ".", "../..", "../escape", ".hidden", "-.."])
def test_run_directory_never_points_outside_the_log_folder(tmp_path, run_name):
    folder = tracking.run_directory(run_name, tmp_path / "logs")
    assert folder.parent == tmp_path / "logs" and not folder.name.startswith(".")
    assert folder.resolve().parent == (tmp_path / "logs").resolve()


@pytest.mark.parametrize("log_root", ["", None, 3])
def test_a_bad_log_root_is_named(log_root):
    with pytest.raises(ValueError, match="log_root must be a folder path"):
        tracking.run_directory("run", log_root)


def test_netrc_entry_counts_as_a_key(monkeypatch, tmp_path):
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    netrc = tmp_path / "netrc"
    netrc.write_text("machine api.wandb.ai\n  login user\n  password secret\n")
    monkeypatch.setenv("NETRC", str(netrc))
    assert tracking.wandb_key_configured()


@pytest.mark.parametrize("mode, expected", [("offline", "offline"), ("dryrun", "offline"), ("disabled", None)])
def test_the_users_wandb_mode_wins(monkeypatch, fake_wandb_init, tmp_path, mode, expected):
    monkeypatch.setenv("WANDB_API_KEY", "x" * 40)
    monkeypatch.setenv("WANDB_MODE", mode)
    monkeypatch.setattr(tracking, "_reachable", lambda url, seconds=3.0: True)
    callbacks = tracking.callbacks("run", log_root=tmp_path)
    if expected is None:
        assert fake_wandb_init == [] and len(callbacks) == 1
    else:
        assert fake_wandb_init[0]["mode"] == expected and len(callbacks) == 2


def test_an_unreachable_server_means_offline_within_seconds(monkeypatch, fake_wandb_init, tmp_path, capsys):
    import socket
    import time

    with socket.socket() as closed:  # a port nobody listens on: the connection is refused at once
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("WANDB_API_KEY", "x" * 40)
    monkeypatch.delenv("WANDB_MODE", raising=False)
    monkeypatch.setenv("WANDB_BASE_URL", f"http://127.0.0.1:{port}")
    start = time.monotonic()
    tracking.callbacks("run", log_root=tmp_path)
    assert time.monotonic() - start < 5
    assert fake_wandb_init[0]["mode"] == "offline"
    assert capsys.readouterr().out.count("cannot be reached; logging offline") == 1


def test_an_online_start_that_fails_falls_back_to_offline(monkeypatch, tmp_path, capsys):
    import wandb
    import wandb.integration.keras

    calls = []

    def init(**kwargs):
        calls.append(kwargs["mode"])
        if kwargs["mode"] == "online":
            raise wandb.errors.CommError("network is unreachable")

    monkeypatch.setattr(wandb, "init", init)
    monkeypatch.setattr(wandb.integration.keras, "WandbMetricsLogger", lambda: keras.callbacks.Callback())
    monkeypatch.setenv("WANDB_API_KEY", "x" * 40)
    monkeypatch.delenv("WANDB_MODE", raising=False)
    monkeypatch.setattr(tracking, "_reachable", lambda url, seconds=3.0: True)
    assert len(tracking.callbacks("run", log_root=tmp_path)) == 2
    assert calls == ["online", "offline"]
    assert "could not start an online run (CommError); logging offline" in capsys.readouterr().out


def test_a_key_that_wandb_login_wrote_for_another_wandb_host_counts(monkeypatch, tmp_path):
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    netrc = tmp_path / "netrc"
    netrc.write_text("machine api.wandb.example.com\n  login user\n  password secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    assert tracking.wandb_key_configured()
    netrc.write_text("machine github.com\n  login user\n  password secret\n")
    assert not tracking.wandb_key_configured()
