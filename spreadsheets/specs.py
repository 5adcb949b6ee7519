"""What a kind of spreadsheet row is: its columns, key, lookups and exports.

Domain apps declare one ImportSpec subclass per kind of data in their own
`spreadsheet_specs.py` and register it (`@spreadsheets.specs.register`); the engine
discovers those modules at start-up, like admin.py, and does everything else:
reading files, parsing cells, checking rows, writing, history, undo, templates and
exports. The engine knows no domain model: a spec speaks for its model.
"""

from dataclasses import dataclass, field

from spreadsheets import bulk
from spreadsheets.cells import text
from spreadsheets.reading import header_key

# A column the file does not have: the stored value stays (a default for new rows).
KEEP = bulk.DEFAULT


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: its header, what it means, and how a cell is read.

    `choices` (a tuple, or a function returning a list when the template is made) becomes
    the template's drop-down list; `text` marks identifiers (NIK, NIB, codes, phone
    numbers) that exports and templates keep as text cells, since Excel destroys them
    as numbers.
    """

    name: str
    header: str
    help: str
    example: object = ""
    parse: object = text
    required: bool = False
    choices: object = ()
    text: bool = False
    aliases: tuple = ()  # other headers offices write for this column (spreadsheets.columns)

    def choice_list(self) -> list[str]:
        choices = self.choices() if callable(self.choices) else self.choices
        return [str(choice) for choice in choices]


def with_aliases(columns: tuple, aliases: dict[str, tuple]) -> tuple:
    """The columns with the other headers offices write for them ({column name: headers})."""
    from dataclasses import replace

    unknown = set(aliases) - {c.name for c in columns}
    if unknown:
        raise ValueError(f"Aliases for unknown columns: {sorted(unknown)}")
    return tuple(replace(c, aliases=tuple(aliases.get(c.name, ()))) for c in columns)


class RowError(Exception):
    def __init__(self, message, column: str = "", value: str = ""):
        super().__init__(str(message))
        self.message, self.column, self.value = str(message), column, value


@dataclass(slots=True)
class Resolved:
    """A row ready to write: its key, the model's field values and where it belongs."""

    key: object
    values: tuple
    kecamatan_id: int | None
    label: str
    also: object = None  # a second key the row names (a UMKM's code besides its NIB)


@dataclass(slots=True)
class Existing:
    pk: int
    values: tuple
    kecamatan_id: int | None
    version: int | None = None


@dataclass
class Context:
    user: object
    scope: set | None  # kecamatan ids the user may write; None = everywhere
    cache: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Written:
    """A row an import created: its new id, where it belongs and its values by field name."""

    pk: int
    kecamatan_id: int | None
    values: dict


class ImportSpec:
    """How one kind of data is imported and exported. Subclasses fill these in."""

    kind = ""
    label = ""
    model = None
    columns: tuple[Column, ...] = ()
    fields: tuple[str, ...] = ()  # model attnames written, in the order of Resolved.values
    readonly_headers: tuple[str, ...] = ()  # exported for reading, ignored on import
    key_help = ""
    creates = True  # False: rows must already exist (reference data with boundaries)
    importable = True  # False: export only
    # Models derived from this one (kept by after_write): an undo neither counts their
    # rows as later additions nor keeps them when it removes the rows they derive from.
    derived_models: tuple[str, ...] = ()
    # The values of new rows after_write() reads (all `fields` when empty): only these
    # are decoded, which at 100,000 rows is most of the cost of handing them over. They
    # may name values of new_constants() too (the moment every new row was written).
    written_fields: tuple[str, ...] = ()

    @property
    def permission_app(self) -> str:
        return self.model._meta.app_label

    def permission(self, action: str) -> str:
        return f"{self.permission_app}.{action}_{self.model._meta.model_name}"

    def header_keys(self) -> set[str]:
        return {header_key(c.header) for c in self.columns}

    def headers_missing(self, present: set[str]) -> list[str]:
        return [c.header for c in self.columns if c.required and c.name not in present]

    def text_headers(self) -> set[str]:
        return {c.header for c in self.columns if c.text}

    def extra_targets(self) -> list:
        """Other ways a file column can feed a column (spreadsheets.columns.Target): a
        monthly figure into an annual one, a part appended to another column."""
        return []

    def area_names(self) -> dict:
        """{kecamatan id: name}, to say where a row outside the user's scope belongs."""
        return {}

    def prepare(self, ctx: Context) -> None:
        """Load the lookups the rows need (a fixed number of queries)."""

    def resolve(self, row: dict, ctx: Context) -> Resolved:
        raise NotImplementedError

    def row_notes(self, resolved: Resolved, ctx: Context) -> list[str]:
        """Remarks on a row that do not refuse it, listed in the dry run (e.g. targeting flags)."""
        return []

    def existing(self, keys: list, ctx: Context) -> dict:
        """The stored rows for `keys`, as {key: Existing}."""
        raise NotImplementedError

    def key_conflicts(self, kept: list, existing: dict, ctx: Context) -> dict:
        """{key: message} for rows whose key clashes with another stored row."""
        return {}

    def new_constants(self, ctx: Context) -> dict:
        """Values (by attname) every new row gets besides the spreadsheet's, e.g. who made it."""
        return {}

    def update_extra(self, existing: Existing, ctx: Context) -> dict:
        """Fields (attnames) an import sets besides the spreadsheet's, e.g. the version."""
        return {}

    def after_write(self, *, created, updated: list[int], removed_owners=()) -> None:
        """Keep derived data (dashboard figures) in step, inside the transaction.

        `created` yields a Written per new row, `updated` lists changed ids; an undo
        passes no created rows, the ids it restored and the owners_of() the rows it
        removed.
        """

    def owners_of(self, ids) -> list[int]:
        """Rows whose derived data count these rows (read before an undo removes them)."""
        return []

    def export_queryset(self, user):
        raise NotImplementedError

    def export_rows(self, queryset, *, personal: bool = True):
        """Rows for export, aligned with export_headers(); without personal data (NIK)
        unless `personal` (for those who may change the rows, UU 27/2022)."""
        raise NotImplementedError

    def export_headers(self) -> list[str]:
        return [c.header for c in self.columns] + list(self.readonly_headers)


SPECS: dict[str, ImportSpec] = {}


def register(spec_class: type[ImportSpec]) -> type[ImportSpec]:
    """Class decorator: make this kind of data importable/exportable."""
    spec = spec_class()
    if spec.kind in SPECS and type(SPECS[spec.kind]) is not spec_class:
        raise ValueError(f"Two spreadsheet specs of kind {spec.kind!r}")
    SPECS[spec.kind] = spec
    return spec_class


def specs_for(user, action: str) -> list[ImportSpec]:
    """The kinds of data `user` may import (or export), in menu order."""
    return [s for s in SPECS.values()
            if (action != "import" or s.importable) and user.has_perm(s.permission(action))]
