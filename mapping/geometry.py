"""GeoJSON geometry checks done with shapely (no spatial database needed).

Geometries are stored as GeoJSON dicts (django-geojson fields), WGS84, [lng, lat].
"""

import math
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from shapely.errors import GeometryTypeError, ShapelyError
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.validation import explain_validity

GeoJSON = dict[str, Any]


def to_shape(value: GeoJSON):
    """The shapely geometry of a GeoJSON geometry dict; ValidationError when malformed."""
    if not isinstance(value, dict) or "type" not in value or "coordinates" not in value:
        raise ValidationError(_("Geometri bukan GeoJSON yang sah."), code="invalid_geojson")
    try:
        return shape(value)
    except (GeometryTypeError, ShapelyError, ValueError, TypeError, IndexError) as exc:
        raise ValidationError(
            _("Geometri bukan GeoJSON yang sah: %(error)s"),
            code="invalid_geojson",
            params={"error": exc},
        ) from exc


def as_multipolygon(value: GeoJSON) -> GeoJSON:
    """A Polygon or MultiPolygon GeoJSON dict, returned as a MultiPolygon dict."""
    geom = to_shape(value)
    if isinstance(geom, Polygon):
        geom = MultiPolygon([geom])
    return mapping(geom)


def validate_boundary(value: GeoJSON) -> None:
    """A boundary must be a valid (Multi)Polygon in longitude/latitude."""
    geom = to_shape(value)
    if not isinstance(geom, (Polygon, MultiPolygon)):
        raise ValidationError(
            _("Batas wilayah harus berupa poligon, bukan %(type)s."),
            code="not_polygon",
            params={"type": geom.geom_type},
        )
    if geom.is_empty or not geom.is_valid:
        raise ValidationError(
            _("Batas wilayah tidak valid: %(reason)s."),
            code="invalid_polygon",
            params={"reason": explain_validity(geom)},
        )
    _validate_lng_lat_bounds(geom)


def validate_point(value: GeoJSON) -> None:
    """A point must have a longitude in [-180, 180] and a latitude in [-90, 90]."""
    geom = to_shape(value)
    if not isinstance(geom, Point) or geom.is_empty:
        raise ValidationError(_("Lokasi harus berupa satu titik."), code="not_point")
    _validate_lng_lat_bounds(geom)


def _validate_lng_lat_bounds(geom) -> None:
    min_x, min_y, max_x, max_y = geom.bounds
    if not all(math.isfinite(v) for v in geom.bounds) or min_x < -180 or max_x > 180 or min_y < -90 or max_y > 90:
        raise ValidationError(
            _("Koordinat di luar rentang bujur/lintang (bujur −180..180, lintang −90..90)."),
            code="out_of_range",
        )


def covers(area: GeoJSON, point: GeoJSON) -> bool:
    """True when the point lies inside the area or on its edge."""
    return to_shape(area).covers(to_shape(point))


def swapped(value: GeoJSON) -> GeoJSON | None:
    """The point with longitude and latitude exchanged, or None when it is not a point."""
    try:
        lng, lat = value["coordinates"][:2]
        return point(float(lat), float(lng))
    except (KeyError, TypeError, ValueError):
        return None


def point(lng: float, lat: float) -> GeoJSON:
    return {"type": "Point", "coordinates": [round(lng, 6), round(lat, 6)]}
