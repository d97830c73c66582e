#!/bin/sh
# Serve the web app on ${WEB_HOST}:${WEB_PORT:-8000} (used by the Procfile and the Docker web service).
# Production settings -> gunicorn config.wsgi, whatever DJANGO_DEBUG says (production ignores it too),
# on 0.0.0.0 unless WEB_HOST says otherwise (in the container, behind the front).
# Other settings: DJANGO_DEBUG on (1/true/yes/on, the default) -> Django's runserver (auto-reload),
# off -> gunicorn; on 127.0.0.1 unless WEB_HOST=0.0.0.0 asks (the demo's passwords are published).
set -eu
port="${WEB_PORT:-8000}"
case "${DJANGO_SETTINGS_MODULE:-config.settings.local}" in
    *production*) production=1; debug=0; host="${WEB_HOST:-0.0.0.0}" ;;
    *) production=0; debug="${DJANGO_DEBUG:-1}"; host="${WEB_HOST:-127.0.0.1}" ;;
esac
tmp=""
[ -d /dev/shm ] && tmp="--worker-tmp-dir /dev/shm"  # heartbeat files off the container's overlay disk
case "$production:$(printf '%s' "$debug" | tr '[:upper:]' '[:lower:]')" in
    0:1 | 0:true | 0:yes | 0:y | 0:on | 0:ok)
        exec python manage.py runserver "$host:$port" ;;
    *)
        exec gunicorn config.wsgi:application --bind "$host:$port" \
            --workers "${WEB_CONCURRENCY:-2}" $tmp --access-logfile - ;;
esac
