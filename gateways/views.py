"""POST /ingest/readings: a gateway's readings, authenticated by `Authorization: Gateway <key>` only."""

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from gateways import ingestion, services
from gateways.error_codes import BodyCode

PREFIX = "gateway "


def _answer(answer: ingestion.Answer) -> JsonResponse:
    response = JsonResponse(answer.body, status=answer.status)
    if answer.status == 401:
        response["WWW-Authenticate"] = 'Gateway realm="ingest"'
    if answer.status == 429:
        response["Retry-After"] = "60"
    return response


def _key(request) -> str | None:
    header = request.headers.get("Authorization", "")
    return header[len(PREFIX) :].strip() if header[: len(PREFIX)].lower() == PREFIX else None


@csrf_exempt
def ingest_readings(request):
    if request.method != "POST":
        response = _answer(ingestion.refused(405, BodyCode.METHOD_NOT_ALLOWED, "POST readings here."))
        response["Allow"] = "POST"
        return response
    key = _key(request)
    gateway_key = services.gateway_key_authenticate(key) if key else None
    if gateway_key is None:
        return _answer(
            ingestion.refused(401, BodyCode.UNAUTHENTICATED, "Send 'Authorization: Gateway <key>'.")
        )
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    limit = settings.INGEST_MAX_BYTES
    if declared > limit:
        return _answer(ingestion.refused(413, BodyCode.TOO_LARGE, f"At most {limit} bytes."))
    payload = request.read(limit + 1)
    return _answer(ingestion.readings_ingest(gateway_key=gateway_key, payload=payload))
