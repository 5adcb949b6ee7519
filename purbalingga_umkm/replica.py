"""Dashboard and export reads from a read replica, when there is one.

With DATABASE_REPLICA_URL set, settings define the alias "replica" and
DATABASE_REPLICA_ALIAS names it. Views decorated with @reads_from_replica (the dashboards,
reports and spreadsheet exports: reads that may be heavy and may lag a second behind)
read from it, a streamed export's rows included; every write, and every other read (forms,
a page right after a save, sessions, logins), goes to the primary. Without a replica the
decorator changes nothing.

Cached figures stay consistent: the replica applies the primary's commits in order, so it
never shows a figures stamp before the data that bumped it (purbalingga_umkm/figures.py).
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings

_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)


def replica_alias() -> str | None:
    alias = getattr(settings, "DATABASE_REPLICA_ALIAS", None)
    return alias if alias and alias in settings.DATABASES else None


@contextmanager
def replica_reads():
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def _streamed(chunks):
    iterator = iter(chunks)
    while True:
        with replica_reads():
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


def reads_from_replica(view):
    """Run `view` (and the streaming of its response) with its reads on the replica."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if replica_alias() is None:
            return view(request, *args, **kwargs)
        with replica_reads():
            response = view(request, *args, **kwargs)
        if getattr(response, "streaming", False):
            response.streaming_content = _streamed(response.streaming_content)
        return response

    return wrapped


class ReplicaRouter:
    """Reads inside replica_reads() go to the replica; everything else to the primary."""

    def db_for_read(self, model, **hints):
        return replica_alias() if _reading_replica.get() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data, whichever copy it was read from

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary; never migrated itself
