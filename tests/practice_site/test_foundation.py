import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from practice_site.settings.base import DEV_SECRET_KEY, refuse_unsafe_production


@pytest.mark.django_db
def test_home_page_is_served(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"<main" in response.content


@pytest.mark.django_db
def test_admin_login_is_served(client):
    assert client.get("/admin/login/").status_code == 200


def test_production_refuses_the_development_secret_key():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        refuse_unsafe_production(DEV_SECRET_KEY, ["example.org"])


def test_production_refuses_empty_allowed_hosts():
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS"):
        refuse_unsafe_production("x" * 50, [])


def test_production_accepts_a_real_configuration():
    refuse_unsafe_production("a-real-secret-" + "x" * 40, ["example.org"])


def test_task_retry_is_longer_than_timeout(settings):
    assert settings.Q_CLUSTER["retry"] > settings.Q_CLUSTER["timeout"]


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    from clients.models import Client, Couple, User

    call_command("seed_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (User.objects.count(), Client.objects.count(), Couple.objects.count())
    call_command("seed_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (User.objects.count(), Client.objects.count(), Couple.objects.count()) == counts
    assert counts == (4, 3, 1)


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "practice_site.settings.production",
        "SECRET_KEY": "a-production-secret-" + "k" * 40,
        "ALLOWED_HOSTS": "practice.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_with_the_dev_key(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "practice_site.settings.production",
        "ALLOWED_HOSTS": "practice.example.org",
    }
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_seed_demo_belongs_to_the_site_not_to_one_app():
    from django.core.management import get_commands

    assert get_commands()["seed_demo"] == "practice_site.demo"
