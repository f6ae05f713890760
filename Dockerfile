FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so that code changes reuse this layer.
COPY pyproject.toml ./
RUN pip install .

COPY . .
# Static files are collected (hashed and compressed) at build time and served by whitenoise.
# The translation catalogues are compiled here too (in Python, polib): they are not in git.
RUN SECRET_KEY=collectstatic-only DEBUG=false SITE_URL=https://build.invalid \
    DEFAULT_FROM_EMAIL=build@build.invalid python manage.py collectstatic --noinput \
    && SECRET_KEY=build-only DEBUG=false SITE_URL=https://build.invalid \
    DEFAULT_FROM_EMAIL=build@build.invalid python manage.py compile_catalogues \
    && useradd --create-home --uid 1000 copractice \
    && mkdir -p /app/var && chown copractice /app/var

USER copractice
EXPOSE 8000

# gunicorn.conf.py: bind 0.0.0.0:8000, WEB_CONCURRENCY workers (3), secret links redacted from the
# access log.
CMD ["gunicorn", "copractice.wsgi", "--config", "gunicorn.conf.py", "--access-logfile", "-"]
