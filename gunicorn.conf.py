"""gunicorn's settings for the web service (Dockerfile, docker-compose.yml).

gunicorn reads ./gunicorn.conf.py by default; options on its command line override these.
The access log is on where the command line asks for it (`--access-logfile -`).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Three sync workers suit a 2-core host; WEB_CONCURRENCY sets another number.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Secret links (calendar feeds, invitations, one-click answers) are redacted from the access log.
logger_class = "copractice.access_log.RedactingLogger"
