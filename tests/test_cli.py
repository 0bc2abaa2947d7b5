"""The `torget` command: it finds its data folder or says where it looked, makes no empty
database by surprise, and a refusal by the domain is one plain line, never a traceback."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from tests.factories import channel_in
from torget import cli, datadir
from torget.dialogue.services import DialogueRefused
from torget.preservation.services import SnapshotRefused


def _torget(args: list[str], *, cwd, env: dict[str, str]) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TORGET_")}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "torget.cli", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_from_another_folder_a_missing_data_folder_is_named_and_nothing_is_made(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    missing = tmp_path / "no-such-data"
    run = _torget(["verify"], cwd=elsewhere, env={"TORGET_DATA_DIR": str(missing)})
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert f"TORGET_DATA_DIR={missing}" in run.stderr and "torget run" in run.stderr
    assert list(elsewhere.iterdir()) == [] and not missing.exists()


def test_a_data_folder_without_a_database_is_named_and_no_database_is_made(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for command in (["verify"], ["demo"], ["snapshot", "--due"], ["shell", "-c", "1"]):
        run = _torget(command, cwd=tmp_path, env={"TORGET_DATA_DIR": str(data)})
        assert run.returncode == 2, (command, run.stderr)
        assert f"looked for {data / 'torget.sqlite3'}" in run.stderr
        assert "Traceback" not in run.stderr
    assert not (data / "torget.sqlite3").exists()


def test_without_torget_data_dir_the_project_var_is_used_wherever_the_command_runs(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("TORGET_DATA_DIR", raising=False)
    found = datadir.find_data_dir()
    assert found.path == datadir.PROJECT_DIR / "var" and not found.from_environment
    assert found.is_project_default
    # Run from elsewhere, the same folder is meant: never one under the current directory.
    monkeypatch.chdir(tmp_path)
    assert datadir.find_data_dir().path == found.path
    monkeypatch.setattr(datadir, "PROJECT_DATA_DIR", tmp_path / "project-var")
    with pytest.raises(cli.CommandRefused, match=r"project's data folder .*project-var"):
        cli.prepare("import")
    assert not (tmp_path / "var").exists() and not (tmp_path / "project-var").exists()


def test_outside_a_checkout_without_torget_data_dir_it_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.delenv("TORGET_DATA_DIR", raising=False)
    monkeypatch.setattr(datadir, "PROJECT_DIR", tmp_path)
    with pytest.raises(cli.CommandRefused) as refusal:
        cli.prepare("verify")
    assert "TORGET_DATA_DIR is not set" in str(refusal.value)
    assert str(tmp_path / "pyproject.toml") in str(refusal.value)


def test_run_and_migrate_make_the_data_folder_for_its_owner_only(tmp_path, monkeypatch):
    data = tmp_path / "new" / "data"
    monkeypatch.setenv("TORGET_DATA_DIR", str(data))
    cli.prepare("migrate")
    assert data.is_dir() and data.stat().st_mode & 0o077 == 0


@pytest.mark.django_db
def test_a_refused_snapshot_is_one_plain_line(world, monkeypatch, capsys):
    channel = channel_in(world, "active")
    if connection.vendor == "sqlite":  # the test database, where the channel is
        monkeypatch.setenv("TORGET_DATABASE_URL", f"sqlite:///{connection.settings_dict['NAME']}")
    future = f"{timezone.localdate().year + 1}H1"  # a half year that has not ended
    with pytest.raises(SystemExit) as exit_:
        cli.main(["snapshot", "--channel", channel.slug, "--period", future])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    # Commands speak the installation's language, Swedish by default.
    assert err.strip().splitlines() == [
        "Perioden har inte tagit slut än: välj en sista dag som är i dag eller tidigare."
    ]


def test_refusals_of_every_kind_give_their_sentence():
    assert cli.refusal_message(SnapshotRefused("Inte än.")) == "Inte än."
    assert cli.refusal_message(DialogueRefused("Frågan är redan besvarad.")) == (
        "Frågan är redan besvarad."
    )
    assert cli.refusal_message(ValueError("a bug")) is None
    assert cli.refusal_message(ValidationError("a form error")) is None


# --- what a newcomer types: make run, then ./torget as the README says --------------------------

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_installs_the_snapshot_validator_too(tmp_path):
    """`make run` installs what snapshots need at run time (dry run, in a copy)."""
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(REPO / name, tmp_path / name)
    run = subprocess.run(
        [shutil.which("make"), "-n", "run"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "eark-validator==" in run.stdout
    assert "torget run" in run.stdout


def test_the_torget_wrapper_says_what_to_run_before_it_is_installed(tmp_path):
    shutil.copy(REPO / "torget", tmp_path / "torget")
    run = subprocess.run(
        [str(tmp_path / "torget"), "help"], capture_output=True, text=True, check=False
    )
    assert run.returncode == 2
    assert "make install" in run.stderr


def _readme_commands() -> list[list[str]]:
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", (REPO / "README.md").read_text(), re.S):
        for line in block.splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("./torget "):
                commands.append(shlex.split(line))
    return commands


def test_every_torget_command_in_the_readme_runs_verbatim_from_the_project_folder(tmp_path):
    commands = _readme_commands()
    assert len(commands) >= 5
    names = {command[1] for command in commands}
    assert {"import", "verify", "snapshot", "run", "check"} <= names
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TORGET_")}
    environ["TORGET_DATA_DIR"] = str(tmp_path)
    for name in sorted(names):
        run = subprocess.run(
            [str(REPO / "torget"), name, "--help"],
            cwd=REPO,
            env=environ,
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == 0, (name, run.stderr)
