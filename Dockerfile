# One image for the web server (Gunicorn), the socket server (Daphne), the Celery worker and Celery
# beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    VAR_DIR=/app/var

# WeasyPrint renders with pango; Noto covers Latin, French accents and Bengali; gettext compiles
# the translations.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Production settings refuse to load without a secret key; this one exists only during this step
# and is not kept in the image.
RUN SECRET_KEY=build-time-only-not-secret python manage.py compilemessages --ignore=.venv -v0 \
    && SECRET_KEY=build-time-only-not-secret python manage.py collectstatic --noinput -v0

RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/app app \
    && mkdir -p /app/var/media /app/var/mail /app/var/celery \
    && chown -R app:app /app/var

USER app

EXPOSE 8000

# HTTP through Gunicorn (gunicorn.conf.py); the socket server runs the same image as
# `daphne -b 0.0.0.0 -p 8000 config.asgi:application`.
CMD ["gunicorn", "config.wsgi"]
