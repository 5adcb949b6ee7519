"""Locate GDAL and GEOS for django.contrib.gis without a system package.

django-leaflet's admin imports Django's GIS forms, which load GDAL and GEOS when
Django starts, even though this project stores geometries as GeoJSON and needs no
spatial database. When the system has the libraries, Django finds them itself.
When it has none, the copies bundled inside the pinned pyogrio (libgdal) and
shapely (libgeos_c) wheels are used instead.
"""

from ctypes.util import find_library
from importlib.util import find_spec
from pathlib import Path


def _bundled_library(package: str, pattern: str) -> str | None:
    spec = find_spec(package)
    if spec is None or spec.origin is None:
        return None
    libs_dir = Path(spec.origin).parent.parent / f"{package}.libs"
    matches = sorted(libs_dir.glob(pattern))
    return str(matches[0]) if matches else None


def gdal_library_path() -> str | None:
    """None when the system GDAL is found, else the libgdal inside pyogrio."""
    if find_library("gdal"):
        return None
    return _bundled_library("pyogrio", "libgdal*.so*")


def geos_library_path() -> str | None:
    """None when the system GEOS is found, else the libgeos_c inside shapely."""
    if find_library("geos_c"):
        return None
    return _bundled_library("shapely", "libgeos_c*.so*")
