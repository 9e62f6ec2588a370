"""No Docker engine runs here, so the compose file is checked by reading it."""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def command_of(service):
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def test_compose_runs_every_part_of_the_product(compose):
    assert {"web", "worker", "beat", "postgres", "redis", "migrate"} <= set(compose["services"])


def test_web_is_served_by_gunicorn_with_its_settings(compose):
    assert command_of(compose["services"]["web"]) == "gunicorn -c config/gunicorn.py"


def test_worker_and_beat_run_celery_with_the_database_scheduler(compose):
    services = compose["services"]
    assert command_of(services["worker"]).startswith("celery -A config worker")
    beat = command_of(services["beat"])
    assert beat.startswith("celery -A config beat")
    assert "workflow.beat:Scheduler" in beat


@pytest.mark.parametrize("name", ["web", "worker", "beat", "postgres", "redis"])
def test_every_long_running_service_has_a_health_check(compose, name):
    assert compose["services"][name]["healthcheck"]["test"]


def test_web_health_check_calls_the_health_endpoint(compose):
    # Whether pages can be answered: a stopped worker is reported by /health/, not fatal to web.
    assert "/health/live/" in " ".join(compose["services"]["web"]["healthcheck"]["test"])


def test_app_services_use_production_settings_postgres_and_redis(compose):
    for name in ("web", "worker", "beat", "migrate"):
        environment = compose["services"][name]["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://redis:6379")


def test_app_waits_for_migrations_and_healthy_services(compose):
    services = compose["services"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        depends_on = services[name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully"
        assert depends_on["redis"]["condition"] == "service_healthy"


def test_database_keeps_its_data_in_a_volume(compose):
    assert "pgdata:/var/lib/postgresql/data" in compose["services"]["postgres"]["volumes"]
    assert "pgdata" in compose["volumes"]


def test_local_procfile_runs_web_worker_and_scheduler():
    processes = dict(
        line.split(": ", 1) for line in (ROOT / "Procfile.dev").read_text().splitlines() if line
    )

    assert processes["web"].startswith("python manage.py runserver")
    assert processes["worker"].startswith("celery -A config worker")
    assert "--beat" in processes["worker"]
