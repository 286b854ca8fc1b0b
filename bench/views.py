"""Baseline views of the bench server (bench/urls.py only, never production URLs)."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

PROBE_TABLE = "bench_probe"
PROBE_DDL = f"CREATE TABLE IF NOT EXISTS {PROBE_TABLE} (id bigserial PRIMARY KEY, body text)"


@csrf_exempt
def minimal_json(request):
    return JsonResponse({"ok": True}, status=201)


@csrf_exempt
def one_insert(request):
    """One raw INSERT in autocommit: the cheapest write a request can make."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {PROBE_TABLE} (body) VALUES (%s)", [request.body[:200]])
    return JsonResponse({"ok": True}, status=201)
