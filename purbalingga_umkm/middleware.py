"""Middleware of the portal: response headers and session rules every page needs."""

import secrets
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
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

    @classmethod
    def signed_in(cls, sender, request, user, **kwargs):
        """The clock starts at login (connected to user_logged_in in PortalConfig.ready)."""
        if request is not None and hasattr(request, "session"):
            request.session[cls.KEY] = int(time.time())


class ContentSecurityPolicy:
    """A Content-Security-Policy on every response: scripts only from the portal itself
    or carrying this response's nonce (django-leaflet's map set-up and admin widgets take
    it as `csp_nonce`), no plugins, no framing, forms post only here. Map tiles come from
    MAP_TILES_URL's host. Styles may be inline (Leaflet and the admin position things with
    style attributes); scripts may not."""

    def __init__(self, get_response):
        self.get_response = get_response
        tiles = urlsplit(settings.MAP_TILES_URL)
        tile_host = f"{tiles.scheme}://{tiles.netloc.replace('{s}', '*')}" if tiles.netloc else ""
        self.template = "; ".join([
            "default-src 'self'",
            "script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: blob: {tile_host}".strip(),
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ])

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.template.format(nonce=request.csp_nonce))
        return response


def csp_nonce(request):
    """Context processor: `{{ csp_nonce }}` for the templates' inline scripts (leaflet_map)."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


class ChosenLanguage(LocaleMiddleware):
    """Indonesian unless the visitor chose another language with the switch (the language
    cookie set by Django's set_language view). The browser's Accept-Language is not read: the
    portal's working language is Indonesian, and English is for the public pages a buyer
    from elsewhere opens."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
