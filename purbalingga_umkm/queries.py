"""Query shapes shared by the apps (no model of their own)."""

from django.db import connections
from django.db.models import F, Window
from django.db.models.functions import RowNumber


def first_rows_per_group(queryset, *, group: str, groups, order_by: list, fields: list[str], n: int) -> list[tuple]:
    """The first `n` rows of each group of `queryset` (rows whose `group` field is each value
    of `groups`) in the order `order_by`, as (group value, *fields, position from 1) tuples.

    On PostgreSQL one UNION ALL of limited reads, one per group: along an index that holds
    the group's columns then the order, each read stops after `n` rows, however many the
    group has. Elsewhere (SQLite cannot order and limit inside a UNION) one window over the
    groups' rows. Same rows either way.
    """
    groups = list(groups)
    if not groups:
        return []
    columns = [group, *fields, "position_in_group"]

    def first_of(value):
        return (queryset.filter(**{group: value})
                .annotate(position_in_group=Window(RowNumber(), order_by=list(order_by)))
                .order_by(*order_by).values_list(*columns)[:n])

    if len(groups) == 1:
        return list(first_of(groups[0]))
    if connections[queryset.db].features.supports_slicing_ordering_in_compound:
        first, *rest = [first_of(value) for value in groups]
        return list(first.union(*rest, all=True))
    return list(queryset.filter(**{f"{group}__in": groups})
                .annotate(position_in_group=Window(RowNumber(), partition_by=[F(group)], order_by=list(order_by)))
                .filter(position_in_group__lte=n).values_list(*columns))
