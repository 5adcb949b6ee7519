"""Query shapes shared by the apps (no model of their own)."""

from django.db import connections
from django.db.models import F, OuterRef, Window
from django.db.models.functions import JSONObject, RowNumber


def first_rows_per_group(queryset, *, group: str, groups, order_by: list, fields: list[str], n: int) -> list[tuple]:
    """The first `n` rows of each group of `queryset` (rows whose foreign key `group` points
    to each id of `groups`) in the order `order_by`, as (group id, *fields, position from 1)
    tuples. `fields` are integers or text.

    On PostgreSQL one query: per group row, an array of its first rows read along an index
    that holds the group then the order — each read stops after `n` rows, however many the
    group has, and the query is compiled once whatever the number of groups. Elsewhere
    (SQLite) one window over the groups' rows. Same rows either way.
    """
    groups = list(groups)
    if not groups:
        return []
    if connections[queryset.db].vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        first = (queryset.filter(**{group: OuterRef("pk")}).order_by(*order_by)
                 .values(row=JSONObject(**{f"c{i}": F(name) for i, name in enumerate(fields)}))[:n])
        owners = queryset.model._meta.get_field(group).related_model._base_manager.using(queryset.db)
        return [(owner, *(row[f"c{i}"] for i in range(len(fields))), position)
                for owner, rows in owners.filter(pk__in=groups).order_by().values_list("pk", ArraySubquery(first))
                for position, row in enumerate(rows or (), start=1)]  # NULL when the queryset is empty by construction
    return list(queryset.filter(**{f"{group}__in": groups})
                .annotate(position_in_group=Window(RowNumber(), partition_by=[F(group)], order_by=list(order_by)))
                .filter(position_in_group__lte=n).values_list(group, *fields, "position_in_group"))
