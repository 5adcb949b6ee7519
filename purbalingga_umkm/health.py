"""/sehat/: for the reverse proxy and the monitoring — is the portal up, its database
reachable, and is the job worker taking queued jobs?"""

from django.conf import settings
from django.db import DatabaseError
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult


def jobs_waiting_too_long() -> int:
    """Queued jobs no worker has taken for IMPORT_STALE_SECONDS (the import page gives up on
    them then): the worker (`manage.py db_worker`) is down or overwhelmed."""
    since = timezone.now() - timezone.timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    return DBTaskResult.objects.ready().filter(enqueued_at__lt=since).count()


@require_safe
@never_cache
def health(request):
    """200 while the portal can serve pages (the proxy keeps it), 503 without a database;
    "degraded" tells the monitoring that queued jobs wait for a worker."""
    try:
        waiting = jobs_waiting_too_long()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    if waiting:
        return JsonResponse({"status": "degraded", "database": "ok", "jobs": "waiting", "jobs_waiting": waiting})
    return JsonResponse({"status": "ok", "database": "ok", "jobs": "ok"})
