"""Middleware of the portal: response headers and session rules every page needs."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _


class PrivateResponses:
    """Whatever a signed-in user is shown may hold personal data (UMKM owners, NIK, phone
    numbers, visit notes): no shared cache and no browser cache keeps it. Views that set
    their own Cache-Control (public boundaries, map points) keep theirs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class StaffIdleTimeout:
    """A back-office session left idle for STAFF_IDLE_SECONDS is signed out: staff reach
    every kecamatan's personal data, and office computers are shared. The last activity is
    written at most once a minute, not on every request."""

    KEY = "last_activity"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and (user.is_staff or user.is_superuser):
            now = int(time.time())
            last = request.session.get(self.KEY, now)
            if now - last > settings.STAFF_IDLE_SECONDS:
                logout(request)
                messages.info(request, _("Sesi Anda berakhir karena tidak ada aktivitas; silakan masuk lagi."))
                return redirect_to_login(request.get_full_path())
            if now - last >= 60 or self.KEY not in request.session:
                request.session[self.KEY] = now
        return self.get_response(request)
