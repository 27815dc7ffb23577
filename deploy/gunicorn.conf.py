"""gunicorn settings for the web service: `gunicorn -c deploy/gunicorn.conf.py 'lms:create_app()'`.

Every value can be changed in the environment file (/etc/hoctap/env) without editing this file.
"""

import multiprocessing
import os

from config import CONFIGS

# Check the configuration before any worker starts: a bad or missing setting stops the service here
# with one line naming it (ConfigError), instead of workers failing to boot one after another.
CONFIGS[os.environ.get("LMS_CONFIG", "production")]()

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # nginx in front (deploy/nginx/hoctap.conf)
# sync workers: one request at a time each; 2 per core is a good start on a 2-core machine
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))  # the largest upload on a slow line, the PDF of a district
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))  # recycle workers now and then
max_requests_jitter = 200
# nginx is the only client: trust its X-Forwarded-* (the app applies ProxyFix with TRUSTED_PROXIES)
forwarded_allow_ips = "127.0.0.1"
# the app writes one line per request (LOG_REQUESTS, with request id and user): no second access log
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = "hoctap-web"
