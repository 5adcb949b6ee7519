from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from mapping import selectors


@require_safe
def home(request):
    context = {
        "totals": selectors.portal_totals(),
        "kecamatan_list": selectors.kecamatan_overview_list(),
    }
    return render(request, "mapping/home.html", context)


# ConditionalGetMiddleware adds an ETag, so a revalidation costs a 304.
@require_safe
@cache_control(public=True, max_age=300)
def kecamatan_geojson(request):
    return JsonResponse(selectors.kecamatan_feature_collection())
