"""Which column of a file feeds which field: the template's headers, the headers offices
write (aliases), a saved mapping profile, or a person's choice in the mapping step.

A *target* is what a file column can be mapped to: a spec's column, or a column read
another way (monthly turnover × 12 into the annual turnover; RT/RW appended to the
address). Headers the aliases recognise need no mapping step; a column nobody maps is
ignored with a note; a header that looks like a field (fuzzy match) or a required field
not found sends the file to the mapping step, where a person confirms.
"""

import difflib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from spreadsheets.cells import is_blank, text
from spreadsheets.reading import header_key

# Headers offices add that hold nothing to keep: ignored without asking.
IGNORED_HEADERS = frozenset({"no", "no urut", "nomor", "nomor urut", "nourut", "keterangan", "ket", "catatan", "ttd",
                             "tanda tangan", "paraf"})
FUZZY_CUTOFF = 0.8
EXAMPLES = 3


@dataclass(frozen=True)
class Target:
    """A field a file column can feed: `column` read by `parse`; with `append`, the value is
    added to that column's value after the text `append` (e.g. RT/RW to the address)."""

    key: str
    label: str
    column: object  # specs.Column
    parse: object
    append: str = ""
    aliases: tuple = ()


def targets_of(spec) -> dict[str, Target]:
    """Every target of a spec: its columns, then its other ways of reading (extra_targets)."""
    found = {c.name: Target(c.name, str(c.header), c, c.parse, aliases=tuple(c.aliases)) for c in spec.columns}
    for target in spec.extra_targets():
        found[target.key] = target
    return found


def aliases_of(spec) -> dict[str, str]:
    """{header_key: target key} for the template's headers and every alias."""
    found = {}
    for target in targets_of(spec).values():
        if not target.append and target.key == target.column.name:
            found.setdefault(header_key(target.column.header), target.key)
        for alias in target.aliases:
            found.setdefault(header_key(alias), target.key)
    return found


@dataclass
class ColumnPlan:
    """How the file's columns are read: [(index, Target)], the headers ignored, and when a
    person must decide: the problems and, per file column, a suggested target."""

    columns: list = field(default_factory=list)
    ignored: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    needs_mapping: bool = False
    suggestions: dict = field(default_factory=dict)  # file column index → target key ("" = abaikan)


def _check(spec, plan: ColumnPlan, headers) -> None:
    """Two file columns on one field, and required fields without a column, are problems."""
    used = {}
    for index, target in plan.columns:
        if target.append:
            continue
        if target.column.name in used:
            plan.problems.append(_("Kolom %(a)s dan %(b)s sama-sama dipetakan ke %(field)s; pilih satu.") % {
                "a": headers[used[target.column.name]], "b": headers[index], "field": target.column.header})
        used.setdefault(target.column.name, index)
    for header in spec.headers_missing(set(used)):
        plan.problems.append(_("Kolom wajib %(field)s belum dipetakan ke kolom berkas mana pun.") % {"field": header})


def column_plan(spec, headers: list, mapping: dict | None = None) -> ColumnPlan:
    """Read the header row by `mapping` ({header_key: target key, or "" to ignore it}) when
    given (headers it does not name as the aliases say), otherwise by the template's headers
    and the aliases."""
    targets = targets_of(spec)
    plan = ColumnPlan()
    readonly = {header_key(h) for h in spec.readonly_headers}
    if mapping is not None:
        aliases = aliases_of(spec)  # a header the mapping does not name is read as the aliases say
        for index, header in enumerate(headers):
            key = mapping.get(header_key(header), aliases.get(header_key(header), ""))
            if key and key in targets:
                plan.columns.append((index, targets[key]))
            elif header_key(header):
                plan.ignored.append(str(header))
        _check(spec, plan, headers)
        return plan
    aliases = aliases_of(spec)
    taken = set()
    for index, header in enumerate(headers):
        key = header_key(header)
        if not key or key in readonly:
            continue
        if key in aliases:
            plan.columns.append((index, targets[aliases[key]]))
            plan.suggestions[index] = aliases[key]
            taken.add(aliases[key])
            continue
        if key in IGNORED_HEADERS:
            plan.ignored.append(str(header))
            plan.suggestions[index] = ""
            continue
        close = difflib.get_close_matches(key, list(aliases), n=1, cutoff=FUZZY_CUTOFF)
        suggested = aliases[close[0]] if close else ""
        plan.suggestions[index] = suggested if suggested not in taken else ""
        if plan.suggestions[index]:
            plan.needs_mapping = True  # looks like a field: a person confirms
        plan.ignored.append(str(header))
    _check(spec, plan, headers)
    if plan.problems:
        plan.needs_mapping = True
    return plan


def mapping_examples(rows, width: int) -> list[list[str]]:
    """The first few non-blank data rows as text, per file column, for the mapping step."""
    examples = [[] for _i in range(width)]
    seen = 0
    for _number, cells in rows:
        if all(is_blank(c) for c in cells):
            continue
        for index in range(width):
            if index < len(cells) and not is_blank(cells[index]):
                examples[index].append(text(cells[index])[:40])
        seen += 1
        if seen == EXAMPLES:
            break
    return examples


def header_set(headers) -> list[str]:
    """The file's header keys as a profile remembers them (sorted, without empty ones)."""
    return sorted({header_key(h) for h in headers if header_key(h)})
