"""Every URL the project defines, for every role, GET and POST, own and other kecamatan.

The URL list is read from the URLconf: a new view without an entry below fails
`test_every_project_url_has_an_expected_access_rule`, and a new object view that
forgets scoping answers 200 where 404 is expected for the other kecamatan's mentor.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

ROLES = ("anon", "pendamping_a", "pendamping_b", "pimpinan", "admin")
LOGIN = "login"

# Objects in the URLs belong to kecamatan X (pendamping A's); pendamping B works in Y.
# Each rule: role -> (GET status, POST status).
def everyone(get, post):
    return {role: (get, post) for role in ROLES}


SURVEY_WRITE = {  # create/update forms: an empty POST re-renders with errors
    "anon": (LOGIN, LOGIN), "pendamping_a": (200, 200), "pendamping_b": (404, 404),
    "pimpinan": (403, 403), "admin": (200, 200),
}
SCOPED_READ = {
    "anon": (LOGIN, 405), "pendamping_a": (200, 405), "pendamping_b": (404, 405),
    "pimpinan": (200, 405), "admin": (200, 405),
}
STAFF_DECISION = {  # verify / return an assessment that pendamping A submitted
    "anon": (405, LOGIN), "pendamping_a": (405, 403), "pendamping_b": (405, 403),
    "pimpinan": (405, 403), "admin": (405, 302),
}

# An import pendamping A uploaded (checked, ready): only A and staff see it; only A imports it.
OWN_IMPORT_READ = {
    "anon": (LOGIN, 405), "pendamping_a": (200, 405), "pendamping_b": (404, 405),
    "pimpinan": (404, 405), "admin": (200, 405),
}
OWN_IMPORT_ACTION = {
    "anon": (405, LOGIN), "pendamping_a": (405, 302), "pendamping_b": (405, 404),
    "pimpinan": (405, 404), "admin": (405, 403),
}

# A determination round of kecamatan X: Admin Dinas change it, Pimpinan and X's mentor read it.
ROUND_READ = {
    "anon": (LOGIN, 405), "pendamping_a": (200, 405), "pendamping_b": (404, 405),
    "pimpinan": (200, 405), "admin": (200, 405),
}
ROUND_WRITE = {  # an empty POST re-renders the form with its messages
    "anon": (LOGIN, LOGIN), "pendamping_a": (403, 403), "pendamping_b": (403, 403),
    "pimpinan": (403, 403), "admin": (200, 200),
}

EXPECTED = {
    "login": everyone(200, 200),
    "javascript-catalog": everyone(200, 405),
    "mapping:penetapan-list": {**everyone(200, 405), "anon": (LOGIN, 405)},
    "mapping:penetapan-create": ROUND_WRITE,
    "mapping:penetapan-detail": ROUND_READ,
    "mapping:penetapan-lampiran": ROUND_READ,
    "mapping:penetapan-candidate-score": ROUND_WRITE,
    "mapping:penetapan-change": {  # an unknown action is refused with a message
        "anon": (405, LOGIN), "pendamping_a": (405, 403), "pendamping_b": (405, 403),
        "pimpinan": (405, 403), "admin": (405, 302),
    },
    "health": everyone(200, 405),
    # Aid programs (a program id nobody has: the role check answers before the lookup).
    **{name: {"anon": (LOGIN, 405), "pendamping_a": (200, 405), "pendamping_b": (200, 405),
              "pimpinan": (200, 405), "admin": (200, 405)}
       for name in ("bantuan:program-list", "bantuan:aid-report", "bantuan:kelompok-list")},
    # An empty form re-shows itself with its errors; nothing is saved.
    "bantuan:kelompok-create": {"anon": (LOGIN, LOGIN), "pendamping_a": (200, 200), "pendamping_b": (200, 200),
                                "pimpinan": (403, 403), "admin": (200, 200)},
    "bantuan:kelompok-update": {"anon": (LOGIN, LOGIN), "pendamping_a": (404, 404), "pendamping_b": (404, 404),
                                "pimpinan": (403, 403), "admin": (404, 404)},
    "bantuan:program-detail": {"anon": (LOGIN, 405), "pendamping_a": (404, 405), "pendamping_b": (404, 405),
                               "pimpinan": (404, 405), "admin": (404, 405)},
    "bantuan:program-shortlist": {"anon": (LOGIN, LOGIN), "pendamping_a": (404, 404), "pendamping_b": (404, 404),
                                  "pimpinan": (403, 403), "admin": (404, 404)},
    **{name: {"anon": (405, LOGIN), "pendamping_a": (405, 403), "pendamping_b": (405, 403),
              "pimpinan": (405, 403), "admin": (405, 404)}
       for name in ("bantuan:recipient-state", "bantuan:disbursement-propose", "bantuan:flag-override",
                    "bantuan:disbursement-approve", "bantuan:disbursement-deliver")},
    "bantuan:objection-answer": {"anon": (405, LOGIN), "pendamping_a": (405, 403), "pendamping_b": (405, 403),
                                 "pimpinan": (405, 403), "admin": (405, 404)},
    # Public: announced lists only (none here, so 404 for everyone, the form included).
    "bantuan:public-programs": everyone(200, 405),
    "bantuan:public-list": everyone(404, 404),
    "bantuan:use-check": {"anon": (LOGIN, LOGIN), "pendamping_a": (404, 404), "pendamping_b": (404, 404),
                          "pimpinan": (403, 403), "admin": (404, 404)},
    "manifest": everyone(200, 405),
    "service-worker": everyone(200, 405),
    "mapping:komoditas-detail": everyone(200, 405),
    "mapping:verification-log": {
        "anon": (LOGIN, 405), "pendamping_a": (403, 405), "pendamping_b": (403, 405),
        "pimpinan": (200, 405), "admin": (200, 405),
    },
    "logout": everyone(405, 302),
    "mapping:home": everyone(200, 405),
    "mapping:kecamatan-geojson": everyone(200, 405),
    "mentoring:home-for-role": {**everyone(302, 302)},
    "mentoring:my-tasks": {
        "anon": (LOGIN, 405), "pendamping_a": (200, 405), "pendamping_b": (200, 405),
        "pimpinan": (403, 405), "admin": (403, 405),
    },
    "mentoring:offline-kit": {
        "anon": (LOGIN, 405), "pendamping_a": (200, 405), "pendamping_b": (200, 405),
        "pimpinan": (403, 405), "admin": (403, 405),
    },
    "mentoring:held-submission-create": {
        # POST without an offline form's path: refused (400), nothing kept.
        "anon": (405, LOGIN), "pendamping_a": (405, 400), "pendamping_b": (405, 400),
        "pimpinan": (405, 403), "admin": (405, 403),
    },
    "mentoring:offline-umkm": {
        "anon": (LOGIN, 405), "pendamping_a": (200, 405), "pendamping_b": (200, 405),
        "pimpinan": (403, 405), "admin": (403, 405),
    },
    "mentoring:my-desa-geojson": {
        "anon": (LOGIN, 405), "pendamping_a": (200, 405), "pendamping_b": (200, 405),
        "pimpinan": (403, 405), "admin": (403, 405),
    },
    "mentoring:visit-create": {
        # POST re-renders with errors (no topics for A, a UMKM outside Y for B): nothing saved.
        "anon": (LOGIN, LOGIN), "pendamping_a": (200, 200), "pendamping_b": (404, 200),
        "pimpinan": (403, 403), "admin": (403, 403),
    },
    "mentoring:follow-up-done": {
        "anon": (405, LOGIN), "pendamping_a": (405, 302), "pendamping_b": (405, 404),
        "pimpinan": (405, 403), "admin": (405, 403),
    },
    "mapping:desa-geojson": everyone(200, 405),
    # The public catalogue; the world's UMKM X is not published: 404 for everyone, staff included.
    "mapping:katalog": everyone(200, 405),
    **{name: everyone(404, 405) for name in (
        "mapping:katalog-product-short", "mapping:katalog-product", "mapping:katalog-umkm-short",
        "mapping:katalog-umkm", "mapping:katalog-product-photo", "mapping:katalog-product-qr",
        "mapping:katalog-stickers")},
    "mapping:katalog-manage": SURVEY_WRITE,  # a POST without an action shows the page again
    "mapping:sitemap": everyone(200, 405),
    "mapping:robots": everyone(200, 405),
    # The language switch: a POST without a language changes nothing and goes back.
    "set_language": everyone(302, 302),
    "mapping:ranking-kabupaten": everyone(200, 405),
    "mapping:ranking-kecamatan": everyone(200, 405),
    "mapping:ranking-desa": everyone(200, 405),
    "mapping:umkm-create": {**SURVEY_WRITE, "pendamping_b": (200, 200)},
    "mapping:survey-quick": {**SURVEY_WRITE, "pendamping_b": (200, 200)},
    "mapping:umkm-update": SURVEY_WRITE,
    "mapping:product-create": SURVEY_WRITE,
    "mapping:product-update": SURVEY_WRITE,
    "mapping:permit-create": SURVEY_WRITE,
    "mapping:permit-update": SURVEY_WRITE,
    # Product X's assessment awaits verification: its mentor is sent back to the UMKM page.
    "mapping:assessment-edit": {**SURVEY_WRITE, "pendamping_a": (302, 302), "admin": (302, 302)},
    "mapping:umkm-detail": SCOPED_READ,
    "mapping:assessment-detail": SCOPED_READ,
    "mapping:assessment-review-list": {
        "anon": (LOGIN, 405), "pendamping_a": (403, 405), "pendamping_b": (403, 405),
        "pimpinan": (403, 405), "admin": (200, 405),
    },
    "mapping:assessment-verify": STAFF_DECISION,
    "mapping:assessment-return": STAFF_DECISION,
    "mentoring:dashboard": {
        "anon": (LOGIN, 405), "pendamping_a": (200, 405), "pendamping_b": (200, 405),
        "pimpinan": (200, 405), "admin": (200, 405),
    },
    "mentoring:dashboard-komoditas": {
        "anon": (LOGIN, 405), "pendamping_a": (200, 405), "pendamping_b": (200, 405),
        "pimpinan": (200, 405), "admin": (200, 405),
    },
    "mentoring:dashboard-kecamatan": {
        "anon": (LOGIN, 405), "pendamping_a": (200, 405), "pendamping_b": (404, 405),
        "pimpinan": (200, 405), "admin": (200, 405),
    },
    "mentoring:dashboard-desa": {
        "anon": (LOGIN, 405), "pendamping_a": (200, 405), "pendamping_b": (404, 405),
        "pimpinan": (200, 405), "admin": (200, 405),
    },
    # The world's product and visit have no photo: found or not, nobody gets one (the scope
    # of photos is tested in tests/test_photos.py).
    "mapping:product-photo": {
        "anon": (LOGIN, 405), "pendamping_a": (404, 405), "pendamping_b": (404, 405),
        "pimpinan": (404, 405), "admin": (404, 405),
    },
    "mentoring:visit-photo": {
        "anon": (LOGIN, 405), "pendamping_a": (404, 405), "pendamping_b": (404, 405),
        "pimpinan": (404, 405), "admin": (404, 405),
    },
    # Coordination meetings and monthly reports (tests/mentoring/test_monthly_report.py).
    "mentoring:meeting-create": {  # an empty POST re-renders with errors
        "anon": (LOGIN, LOGIN), "pendamping_a": (200, 200), "pendamping_b": (200, 200),
        "pimpinan": (403, 403), "admin": (403, 403),
    },
    "mentoring:meeting-photo": {
        "anon": (LOGIN, 405), "pendamping_a": (404, 405), "pendamping_b": (404, 405),
        "pimpinan": (404, 405), "admin": (404, 405),
    },
    "mentoring:monthly-report": {
        "anon": (LOGIN, 405), "pendamping_a": (200, 405), "pendamping_b": (200, 405),
        "pimpinan": (200, 405), "admin": (200, 405),
    },
    "mentoring:monthly-report-submit": {
        "anon": (405, LOGIN), "pendamping_a": (405, 302), "pendamping_b": (405, 302),
        "pimpinan": (405, 403), "admin": (405, 403),
    },
    "mentoring:monthly-report-decide": {
        "anon": (405, LOGIN), "pendamping_a": (405, 403), "pendamping_b": (405, 403),
        "pimpinan": (405, 403), "admin": (405, 404),
    },
    "mentoring:umkm-history": {
        "anon": (LOGIN, 405), "pendamping_a": (200, 405), "pendamping_b": (404, 405),
        "pimpinan": (200, 405), "admin": (200, 405),
    },
    "mentoring:umkm-points": {
        "anon": (LOGIN, 405), "pendamping_a": (200, 405), "pendamping_b": (200, 405),
        "pimpinan": (200, 405), "admin": (200, 405),
    },
    "mentoring:coverage-report": {
        "anon": (LOGIN, 405), "pendamping_a": (403, 405), "pendamping_b": (403, 405),
        "pimpinan": (200, 405), "admin": (200, 405),
    },
    "spreadsheets:transfers": {**everyone(200, 405), "anon": (LOGIN, 405)},
    # UMKM: pendamping import (their kecamatan only), Pimpinan only exports.
    "spreadsheets:import-template": {**everyone(200, 405), "anon": (LOGIN, 405), "pimpinan": (403, 405)},
    "spreadsheets:import-upload": {  # an empty POST is sent back with the form's message
        "anon": (405, LOGIN), "pendamping_a": (405, 302), "pendamping_b": (405, 302),
        "pimpinan": (405, 403), "admin": (405, 302),
    },
    "spreadsheets:export-rows": {**everyone(200, 405), "anon": (LOGIN, 405)},
    "spreadsheets:import-detail": OWN_IMPORT_READ,
    "spreadsheets:import-status": OWN_IMPORT_READ,
    "spreadsheets:import-error-report": OWN_IMPORT_READ,
    # Only once imported: the batch in the matrix is merely checked.
    "spreadsheets:import-row-report": {**OWN_IMPORT_READ, "pendamping_a": (404, 405), "admin": (404, 405)},
    "spreadsheets:import-confirm": OWN_IMPORT_ACTION,
    "spreadsheets:import-recheck": OWN_IMPORT_ACTION,
    "spreadsheets:import-map": OWN_IMPORT_ACTION,
    "spreadsheets:import-decide": OWN_IMPORT_ACTION,
    "spreadsheets:import-reading": OWN_IMPORT_ACTION,
    # Undo of an import that is not done answers with a message; staff may undo any import.
    "spreadsheets:import-undo": {**OWN_IMPORT_ACTION, "admin": (405, 302)},
}


def project_url_names(patterns=None, namespace=""):
    """Names of every URL pattern outside the Django admin."""
    names = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin" or entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names += project_url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.append(namespace + entry.name)
    return names


def url_for(name, world):
    """The URL of `name`, pointing at kecamatan X's objects where it takes one."""
    by_pattern = {
        "mentoring:follow-up-done": {"pk": world.follow_up["X"].pk},
        "mapping:umkm-detail": {"pk": world.umkm["X"].pk},
        "mapping:umkm-update": {"pk": world.umkm["X"].pk},
        "mapping:product-create": {"umkm_pk": world.umkm["X"].pk},
        "mapping:product-update": {"pk": world.product["X"].pk},
        "mapping:product-photo": {"pk": world.product["X"].pk},
        "mentoring:visit-photo": {"pk": world.visit["X"].pk},
        "mentoring:meeting-photo": {"pk": 999999},  # none: found by nobody
        "mentoring:monthly-report-decide": {"pk": 999999},
        "mapping:permit-create": {"umkm_pk": world.umkm["X"].pk},
        "mapping:permit-update": {"pk": world.permit["X"].pk},
        "mapping:assessment-edit": {"product_pk": world.product["X"].pk},
        "mapping:assessment-detail": {"pk": world.assessment["X"].pk},
        "mapping:assessment-verify": {"pk": world.assessment["X"].pk},
        "mapping:assessment-return": {"pk": world.assessment["X"].pk},
        "mapping:ranking-kecamatan": {"code": world.kecamatan["X"].code},
        "mentoring:dashboard-kecamatan": {"code": world.kecamatan["X"].code},
        "mentoring:dashboard-desa": {"code": world.desa["X"].code},
        "mentoring:umkm-history": {"pk": world.umkm["X"].pk},
        "mapping:ranking-desa": {"code": world.desa["X"].code},
        "mapping:komoditas-detail": {"code": "sapu-glagah"},
        "mapping:katalog-product-short": {"pk": world.product["X"].pk},
        "mapping:katalog-product": {"pk": world.product["X"].pk, "slug": "produk-x"},
        "mapping:katalog-product-photo": {"pk": world.product["X"].pk},
        "mapping:katalog-product-qr": {"pk": world.product["X"].pk},
        "mapping:katalog-umkm-short": {"pk": world.umkm["X"].pk},
        "mapping:katalog-umkm": {"pk": world.umkm["X"].pk, "slug": "umkm-x"},
        "mapping:katalog-stickers": {"pk": world.umkm["X"].pk},
        "mapping:katalog-manage": {"pk": world.umkm["X"].pk},
    }
    if name in by_pattern:
        return reverse(name, kwargs=by_pattern[name])
    if name.startswith("bantuan:") and name not in ("bantuan:program-list", "bantuan:aid-report",
                                                    "bantuan:kelompok-list", "bantuan:kelompok-create",
                                                    "bantuan:public-programs"):
        return reverse(name, kwargs={"pk": 999999})
    if name.startswith("mapping:penetapan-") and name not in ("mapping:penetapan-list", "mapping:penetapan-create"):
        penetapan = world.penetapan()
        if name == "mapping:penetapan-candidate-score":
            return reverse(name, kwargs={"pk": penetapan.pk, "candidate_pk": penetapan.candidates.first().pk})
        return reverse(name, kwargs={"pk": penetapan.pk})
    if name in ("spreadsheets:import-template", "spreadsheets:import-upload", "spreadsheets:export-rows"):
        return reverse(name, kwargs={"kind": "umkm"})
    if name.startswith("spreadsheets:import-"):
        return reverse(name, kwargs={"pk": world.import_batch().pk})
    if name == "mapping:desa-geojson":
        return reverse(name) + f"?kecamatan={world.kecamatan['X'].pk}"
    if name == "mentoring:visit-create":
        return reverse(name) + f"?umkm={world.umkm['X'].pk}"
    return reverse(name)


def post_data(name, world):
    return {"umkm": world.umkm["X"].pk} if name == "mentoring:visit-create" else {}


def test_every_project_url_has_an_expected_access_rule():
    assert sorted(project_url_names()) == sorted(EXPECTED)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_access_matrix(client, world, name, role):
    if role != "anon":
        client.force_login(world.users[role])
    expected_get, expected_post = EXPECTED[name][role]
    url = url_for(name, world)
    for method, expected in (("get", expected_get), ("post", expected_post)):
        response = getattr(client, method)(url, post_data(name, world) if method == "post" else None)
        if expected == LOGIN:
            assert response.status_code == 302 and response.url.startswith(reverse("login")), method
        else:
            assert response.status_code == expected, f"{method.upper()} {url} as {role}"
        if role != "anon" and name != "logout":
            client.force_login(world.users[role])


def test_matrix_posts_changed_nothing_outside_scope(client, world):
    from mentoring.models import FollowUp, Visit

    client.force_login(world.users["pendamping_b"])
    response = client.post(reverse("mentoring:follow-up-done", kwargs={"pk": world.follow_up["X"].pk}))
    assert response.status_code == 404
    response = client.post(reverse("mentoring:visit-create"), {"umkm": world.umkm["X"].pk, "topics": [1]})
    assert response.status_code == 200  # the form again, with its errors
    assert FollowUp.objects.get(pk=world.follow_up["X"].pk).status == FollowUp.Status.OPEN
    assert Visit.objects.count() == 2
