# syntax=docker/dockerfile:1
# Three targets: `runtime` (the default, last stage: web, worker and beat), `dev` (adds the test
# tools; the compose service `tests` uses it for make test / lint / bench / makemigrations) and
# `front` (Debian's nginx before web, configured by deploy/nginx.conf).

FROM debian:bookworm-slim AS front
RUN apt-get update \
    && apt-get install -y --no-install-recommends nginx \
    && rm -rf /var/lib/apt/lists/*
COPY deploy/nginx.conf /etc/nginx/front.conf.template
EXPOSE 8000

FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --create-home --home-dir /home/app --shell /bin/bash app
WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

FROM base AS dev
# nginx: the production front's test and `make attack` start it before gunicorn. Mosquitto (binaries
# only): tests/gateways and `make bench ARGS=ingest` start their own broker; the docs run mosquitto_pub.
RUN apt-get update \
    && apt-get install -y --no-install-recommends nginx mosquitto mosquitto-clients \
    && rm -rf /var/lib/apt/lists/*
COPY requirements-dev.txt ./
RUN pip install -r requirements-dev.txt
COPY --chown=app:app . .
USER app
ENV DJANGO_SETTINGS_MODULE=config.settings.test
ENTRYPOINT ["python", "-m", "pytest"]

FROM base AS runtime
COPY . .
# Static files for whitenoise; a random key exists only for this build step (production insists on one).
RUN DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    python manage.py collectstatic --noinput
ENV DJANGO_SETTINGS_MODULE=config.settings.production
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", \
     "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
