"""django-tasks-db registers its task rows in the admin, where a change or deletion would not be
audited: the queue is the worker's, and each job's page and audit entry say what happened."""

from django.contrib import admin
from django_tasks_db import admin as tasks_admin  # registers it first, whatever the apps' order
from django_tasks_db.models import DBTaskResult

assert tasks_admin is not None
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
