#!/bin/sh
# Serve the web app on 0.0.0.0:${WEB_PORT:-8000} (used by the Procfile and the Docker web service).
# DJANGO_DEBUG on (1/true/yes/on) -> Django's runserver (auto-reload); off -> gunicorn config.wsgi.
# DJANGO_DEBUG unset -> on, unless DJANGO_SETTINGS_MODULE is the production settings (as the settings do).
set -eu
port="${WEB_PORT:-8000}"
debug="${DJANGO_DEBUG:-}"
if [ -z "$debug" ]; then
    case "${DJANGO_SETTINGS_MODULE:-config.settings.local}" in
        *production*) debug=0 ;;
        *) debug=1 ;;
    esac
fi
tmp=""
[ -d /dev/shm ] && tmp="--worker-tmp-dir /dev/shm"  # heartbeat files off the container's overlay disk
case "$(printf '%s' "$debug" | tr '[:upper:]' '[:lower:]')" in
    1 | true | yes | y | on | ok)
        exec python manage.py runserver "0.0.0.0:$port" ;;
    *)
        exec gunicorn config.wsgi:application --bind "0.0.0.0:$port" \
            --workers "${WEB_CONCURRENCY:-2}" $tmp --access-logfile - ;;
esac
