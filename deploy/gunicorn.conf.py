"""Sample gunicorn configuration for Thuisgevers (README, "Production deployment").

    gunicorn -c deploy/gunicorn.conf.py thuisgevers.wsgi

Every value can be overridden by the environment, so one file serves every server.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the application does its work in the request (exports stream, imports are small).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # the national PDF/XLSX exports fit in it
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never take a server down.
max_requests = 1000
max_requests_jitter = 100
# Logs to stdout/stderr; the application itself logs JSON lines (thuisgevers/logging.py).
accesslog = "-"
errorlog = "-"
access_log_format = '{"remote":"%(h)s","request":"%(r)s","status":%(s)s,"bytes":%(B)s,"ms":%(M)s}'
# Trust X-Forwarded-* only from the load balancer's addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
limit_request_line = 8190
limit_request_field_size = 8190
