"""Response headers every page needs."""

from django.utils.cache import patch_cache_control


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
