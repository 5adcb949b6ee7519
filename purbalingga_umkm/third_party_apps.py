"""Third-party apps under Indonesian names in the back office (their own names are English).

Kept apart from apps.py: a module with several AppConfig classes would no longer give
Django the project's own default configuration."""

import axes.apps
import django_tasks_db.apps
from django.utils.translation import gettext_lazy as _


class AxesConfig(axes.apps.AppConfig):
    verbose_name = _("Keamanan masuk (percobaan login)")


class TasksDatabaseConfig(django_tasks_db.apps.TasksAppConfig):
    verbose_name = _("Antrean pekerjaan latar")
