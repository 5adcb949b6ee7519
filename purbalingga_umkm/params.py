"""Reading query-string parameters: one rule for every view, so no value ever causes a 500.

An id is ASCII digits that fit a database bigint; anything else is "no value" (the view
then answers 404, or ignores the filter), never an exception from the database.
"""

import re

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

ID = re.compile(r"[0-9]{1,18}", re.ASCII)


def id_param(params, name: str) -> int | None:
    """The value of `name` as a row id, or None when absent or not an id."""
    value = params.get(name, "")
    return int(value) if ID.fullmatch(value) else None


class QueryStringGuard:
    """Refuses (400) a request whose query string holds a NUL character or is not valid
    text: PostgreSQL cannot compare text with NUL, so it would fail deep in a view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            return HttpResponseBadRequest(_("Alamat berisi karakter yang tidak sah."))
        return self.get_response(request)


def text_param(params, name: str, max_length: int) -> str:
    """The value of `name` as plain text: stripped, at most `max_length` characters ("" when absent)."""
    return params.get(name, "").strip()[:max_length]
