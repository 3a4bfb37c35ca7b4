"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be changed from the environment without editing this file. The scheduler is
never started here: it runs as its own process (`flask --app wsgi scheduler`).
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each request holds one worker, and the database does the waiting. Two per core
# keeps both cores busy while one worker waits on PostgreSQL.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
worker_class = "sync"
# Load the app once in the master and fork: workers share its memory pages. Each worker opens its
# own database connections after the fork (post_fork below).
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle a worker now and then, so that slow growth of memory cannot build up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# The TLS-terminating proxy in front sets X-Forwarded-*; trust it only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Never log query strings' values elsewhere than the access log; no request bodies are logged.
limit_request_line = 4094


def when_ready(server):
    """The app is loaded (preload_app) and no worker forked yet: freeze what exists now.

    The app's modules, templates and SQLAlchemy's mappings then never go through the garbage
    collector again: a full collection in a worker took about 80 ms, nearly all of it on them,
    and showed as the slowest requests. Frozen objects also stay shared between the workers.

    A request makes some tens of thousands of objects, nearly all freed as it ends; collecting
    after every 700 new ones (Python's default) spent 5 to 9% of the child's page looking for
    cycles among them. Every 20,000 keeps that to a few collections a request.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)


def post_fork(server, worker):
    """Connections opened by the master before the fork must not be shared: start afresh."""
    from wsgi import app

    app.extensions["db_engine"].dispose(close=False)
