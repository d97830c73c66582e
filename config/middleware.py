"""Request ids and structured request logs (never headers or bodies, so no tokens in logs)."""

import logging
import re
import time
import uuid

from config.logging import request_id_var

logger = logging.getLogger("requests")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _level(status: int) -> int:
    return logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-Id", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-Id"] = request_id
            logger.log(
                _level(response.status_code),
                "method=%s path=%s status=%s duration_ms=%.1f",
                request.method,
                request.path,
                response.status_code,
                (time.perf_counter() - started) * 1000,
            )
            # Django would log a 4xx/5xx once more after this middleware, without the request id.
            response._has_been_logged = True
            return response
        finally:
            request_id_var.reset(token)
