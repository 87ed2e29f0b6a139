"""The civic311 command as an operator meets it: real processes, real exit codes."""

import os
import subprocess
import sys

import pytest

CIVIC311 = [sys.executable, "-m", "civic311.cli"]


def run(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CIVIC311_")}
    full_env.update(env)
    return subprocess.run(
        [*CIVIC311, *args], capture_output=True, text=True, env=full_env, timeout=60
    )


def test_help_lists_the_commands():
    result = run("--help")
    assert result.returncode == 0
    assert "load-catalog" in result.stdout and "serve" in result.stdout


def test_an_unreachable_database_is_one_sentence_and_exit_2(tmp_path):
    result = run(
        "migrate",
        CIVIC311_DATABASE_URL="postgres://postgres@127.0.0.1:1/civic311",
        CIVIC311_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 2
    assert result.stderr.startswith("civic311: cannot connect to the database at postgres://")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_an_unsupported_database_url_is_one_sentence_and_exit_2(tmp_path):
    result = run(
        "serve", CIVIC311_DATABASE_URL="oracle://scott@db/orcl", CIVIC311_DATA_DIR=str(tmp_path)
    )
    assert result.returncode == 2
    assert "CIVIC311_DATABASE_URL" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "env",
    [
        {"CIVIC311_ENV": "production", "CIVIC311_BASE_URL": "https://311.example.org"},
        {"CIVIC311_ENV": "production", "CIVIC311_SECRET_KEY": "short"},
    ],
)
def test_production_without_a_secret_refuses_to_start(env, tmp_path):
    result = run("serve", CIVIC311_DATA_DIR=str(tmp_path), **env)
    assert result.returncode == 2
    assert "CIVIC311_SECRET_KEY" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_production_without_a_base_url_refuses_to_start(tmp_path):
    result = run(
        "serve",
        CIVIC311_DATA_DIR=str(tmp_path),
        CIVIC311_ENV="production",
        CIVIC311_SECRET_KEY="k" * 48,
    )
    assert result.returncode == 2
    assert "CIVIC311_BASE_URL" in result.stderr


def test_load_catalog_names_an_unknown_catalogue(tmp_path):
    result = run("load-catalog", "atlantis-2030", CIVIC311_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "no catalogue named 'atlantis-2030'" in result.stderr
