"""The three roles as Django groups and the model permissions each one holds.

Applied by migrations (and `manage.py sync_roles`); the roles themselves are in
purbalingga_umkm/roles.py and the row-level scope in purbalingga_umkm/scope.py.
"""

from django.contrib.auth.management import create_permissions

from purbalingga_umkm.roles import Role

CRUD = ("view", "add", "change", "delete")
TRANSFER = ("import", "export")

ROLE_PERMISSIONS: dict[Role, dict[str, dict[str, tuple[str, ...]]]] = {
    Role.ADMIN_DINAS: {
        "mapping": {
            m: CRUD for m in (
                "kecamatan", "desa", "sector", "umkm", "product", "permit",
                "rubric", "criterion", "criterionlevel", "ratingclass", "assessment", "komoditas", "sentra",
            )
        } | {
            # Written on the catalogue's own pages (checked, audited); read in the back office.
            m: ("view",) for m in ("catalogueentry", "consent")
        },
        "mapping#transfer": {
            **{m: TRANSFER for m in ("kecamatan", "desa", "sector", "umkm", "product", "assessment")},
        },
        # Import history is written by imports only, never edited by hand.
        "spreadsheets": {"importbatch": ("view",), "importchange": ("view",)},
        "mentoring": {
            **{m: CRUD for m in ("topic", "visit", "followup")},
            "assignment#transfer": TRANSFER,
            # Pendamping and assignments are kept for history: deactivate or end, never delete.
            "pendamping": ("view", "add", "change"),
            "assignment": ("view", "add", "change"),
            "visit#coverage": ("view_coverage_report",),
            # Written on their own pages; read in the back office.
            "meeting": ("view",),
            "monthlyreport": ("view",),
            # Forms a phone handed over after the portal refused them: read, then marked handled.
            "heldsubmission": ("view", "change"),
        },
        "auth": {"user": ("view", "add", "change"), "group": ("view",)},
        "axes": {"accessattempt": ("view", "delete"), "accesslog": ("view",)},
        # Aid is kept for years: nothing is deleted (a recipient leaves through a state).
        "bantuan": {
            **{m: ("view", "add", "change") for m in ("kelompok", "member", "program", "stage", "stackingrule")},
            **{m: ("view",) for m in ("recipient", "flag", "disbursement", "usecheck")},
            # Dated, sourced facts (KUR, ASN, welfare decile) kept for the rules; never deleted.
            "personstatus": ("view", "add", "change"),
            # Sanggahan from the public: read and answered on record.
            "objection": ("view", "change"),
        },
        # Recipient lists come in through the spreadsheet engine (checked before saving).
        "bantuan#transfer": {m: TRANSFER for m in ("recipient", "kelompok", "member")},
    },
    Role.PIMPINAN: {
        "mapping": {
            m: ("view",) for m in (
                "kecamatan", "desa", "sector", "umkm", "product", "permit",
                "rubric", "criterion", "criterionlevel", "ratingclass", "assessment", "komoditas", "sentra",
            )
        },
        "mentoring": {
            **{m: ("view",) for m in ("pendamping", "assignment", "topic", "visit", "followup")},
            "visit#coverage": ("view_coverage_report",),
            "assignment#transfer": ("export",),
        },
        "bantuan": {m: ("view",) for m in ("kelompok", "member", "program", "stage", "stackingrule", "recipient",
                                          "flag", "disbursement", "usecheck")},
        # Exports for meetings; Pimpinan never writes, so never imports.
        "mapping#transfer": {
            m: ("export",) for m in ("kecamatan", "desa", "sector", "umkm", "product", "assessment")
        },
    },
    Role.PENDAMPING: {
        "mapping": {
            **{m: ("view",) for m in ("kecamatan", "desa", "sector", "rubric", "criterion",
                                      "criterionlevel", "ratingclass", "komoditas", "sentra")},
            **{m: ("view", "add", "change") for m in ("umkm", "product", "permit", "assessment")},
        },
        # Only rows of their own kecamatan: the importer refuses a file with any other.
        "mapping#transfer": {m: ("import", "export") for m in ("umkm", "product")},
        "mentoring": {
            **{m: ("view",) for m in ("pendamping", "assignment", "topic")},
            **{m: ("view", "add", "change") for m in ("visit", "followup")},
        },
        # The groups of their kecamatan; programs read; the follow-ups of aid use recorded.
        "bantuan": {
            **{m: ("view", "add", "change") for m in ("kelompok", "member")},
            **{m: ("view",) for m in ("program", "stage", "recipient", "flag", "disbursement")},
            "usecheck": ("view", "change"),
        },
        # Group and member lists of their own kecamatan (the importer refuses any other).
        "bantuan#transfer": {m: TRANSFER for m in ("kelompok", "member")},
    },
}


def codenames_for(role: Role) -> set[tuple[str, str]]:
    """(app_label, codename) pairs of the role's permissions."""
    pairs = set()
    for app_key, models in ROLE_PERMISSIONS[role].items():
        app_label = app_key.partition("#")[0]
        for model, actions in models.items():
            for action in actions:
                name, _sep, kind = model.partition("#")
                # "visit#coverage" lists whole codenames; "umkm#transfer" and an app's
                # "#transfer" group list actions like the plain model entries.
                codename = action if kind and kind != "transfer" else f"{action}_{name}"
                pairs.add((app_label, codename))
    return pairs


def roles_sync(apps) -> None:
    """Create the role groups and set each one's permissions to exactly its list.

    `apps` is the migration's app registry or django.apps.apps. Permissions of models
    that do not exist yet are skipped; a later migration calls this again.
    """
    for app_config in apps.get_app_configs():
        # A migration's app configs are stubs without a models module; create_permissions
        # skips those unless told otherwise.
        stub = getattr(app_config, "models_module", None) is None
        if stub:
            app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        if stub:
            app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in (Role.ADMIN_DINAS, Role.PIMPINAN, Role.PENDAMPING):
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = codenames_for(role)
        permissions = [
            p for p in Permission.objects.select_related("content_type").filter(
                codename__in={codename for _app, codename in wanted}
            )
            if (p.content_type.app_label, p.codename) in wanted
        ]
        group.permissions.set(permissions)
