"""Settings that protect the deployment: Argon2 passwords, refusing to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import Account

pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2id_at_owasps_parameters():
    assert settings.PASSWORD_HASHERS[0] == "accounts.hashers.BankArgon2PasswordHasher"
    account = Account.objects.create_user(username="ivanov", password="Secret-pass-123")
    assert account.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert account.check_password("Secret-pass-123")


@pytest.mark.django_db
def test_a_hash_with_djangos_default_parameters_still_signs_in_and_is_stored_again_at_ours():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    account = Account.objects.create_user(username="petrov", password="x")
    account.password = Argon2PasswordHasher().encode("Secret-pass-123", Argon2PasswordHasher().salt())
    account.save(update_fields=["password"])
    assert "m=102400,t=2,p=8" in account.password

    assert account.check_password("Secret-pass-123")

    account.refresh_from_db()
    assert "m=19456,t=2,p=1" in account.password
    assert not account.check_password("wrong")


def run_check(**environment: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = run_check(DJANGO_DEBUG="false", DJANGO_ALLOWED_HOSTS="bank.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_mode_refuses_to_start_without_allowed_hosts():
    result = run_check(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_an_unreachable_postgres_server_is_one_clear_line(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:9/telemarketing"
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Cannot connect to the postgresql database 'telemarketing' on host 127.0.0.1:9:")
    assert "Traceback" not in result.stderr


def test_check_deploy_reports_nothing_in_production_mode():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "q7Zp" * 10,
        DJANGO_ALLOWED_HOSTS="bank.example",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_staff_sign_in_without_a_second_factor():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "q7Zp" * 10,
        DJANGO_ALLOWED_HOSTS="bank.example",
        DJANGO_STAFF_TWO_FACTOR="false",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "telemarketing.W002" in result.stderr + result.stdout


def test_production_mode_is_the_default():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr
