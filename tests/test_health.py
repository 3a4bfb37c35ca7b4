def test_health_check_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"database": "ok"}


def test_health_check_is_503_when_the_database_is_unreachable(app, client):
    from yoi_welfare.db import make_engine

    app.extensions["db_engine"] = make_engine("sqlite:////nonexistent/dir/db.sqlite")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"database": "unavailable"}
