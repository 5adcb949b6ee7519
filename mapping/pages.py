"""Links that apps above mapping add to its pages, so mapping never names their URLs.

Mentoring, for instance, adds the UMKM's visit and score history to the UMKM page at
start-up (MentoringConfig.ready).
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class PageLink:
    label: str
    url_name: str  # reversed with the object's pk


_UMKM_LINKS: list[PageLink] = []


def umkm_page_link_register(*, label, url_name: str) -> None:
    if all(link.url_name != url_name for link in _UMKM_LINKS):
        _UMKM_LINKS.append(PageLink(label, url_name))


def umkm_page_links(umkm) -> list[tuple[str, str]]:
    """(label, url) of every link registered for the UMKM page."""
    return [(str(link.label), reverse(link.url_name, args=[umkm.pk])) for link in _UMKM_LINKS]
