from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


def transfer_permissions(model: str, label) -> list[tuple[str, str]]:
    """Spreadsheet import and export each need their own permission: a model's Meta lists
    these, and a spec checks `<app>.import_<model>` / `<app>.export_<model>`."""
    return [
        (f"import_{model}", format_lazy(_("Dapat mengimpor {} dari spreadsheet"), label)),
        (f"export_{model}", format_lazy(_("Dapat mengekspor {} ke spreadsheet"), label)),
    ]
