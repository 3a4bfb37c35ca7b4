def test_health_check_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"database": "ok"}


def test_health_check_is_503_when_the_database_is_unreachable(app, client, caplog):
    from yoi_welfare.db import make_engine

    app.extensions["db_engine"] = make_engine("sqlite:////nonexistent/dir/db.sqlite")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"database": "unavailable"}
    # The log says why, which the answer to the load balancer does not.
    (failure,) = [r for r in caplog.records if "Health check failed" in r.getMessage()]
    assert "unable to open database file" in failure.exc_text
    assert "unable to open" not in response.text


def test_the_scheduler_health_check_is_json_503_when_the_database_is_unreachable(app, client):
    from yoi_welfare.db import make_engine

    app.extensions["db_engine"] = make_engine("sqlite:////nonexistent/dir/db.sqlite")
    response = client.get("/healthz/scheduler")
    assert response.status_code == 503
    assert response.json == {"database": "unavailable"}
