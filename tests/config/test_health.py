from unittest import mock

import pytest
from django.db import OperationalError
from kombu import Connection

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_broker_reachable(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": True, "broker": True}}
    assert "no-cache" in response["Cache-Control"]


def test_health_reports_a_broken_database_as_503(client):
    with mock.patch(
        "config.health.connection.cursor", side_effect=OperationalError("server closed")
    ):
        response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": False, "broker": True},
    }


def test_health_reports_an_unreachable_broker_as_503(client):
    # A real connection attempt to a port where nothing listens.
    with mock.patch(
        "config.health.celery_app.connection_for_write",
        return_value=Connection("redis://127.0.0.1:1/0", connect_timeout=1),
    ):
        response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": True, "broker": False}


def test_health_only_answers_get(client):
    assert client.post("/health/").status_code == 405
