"""gunicorn's settings for production (read from the working directory: `gunicorn portal.wsgi`).

Workers: ``WEB_CONCURRENCY`` or 2 × cores + 1, gunicorn's own advice. With fewer sync workers
than that, one slow request (a 2,000-row upload, a large export) holds a worker and every
short request queues behind it; with more processes the operating system shares the CPU
between them, so a short page is not kept waiting (docs/performance.md, *Load*).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
timeout = 120  # a 50,000-row upload preview must not be killed mid-way
graceful_timeout = 10
max_requests = 2000  # recycle workers now and then (bounded memory growth)
max_requests_jitter = 200
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG") else None
errorlog = "-"
