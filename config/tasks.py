"""The one import of the background-task framework.

django-tasks is the backport of Django 6's ``django.tasks``: on Django 6 this module imports the
same names from ``django.tasks`` and no other module changes. Apps define their tasks with
``task`` from here (in their ``tasks.py``) and never import django-tasks themselves.
"""

from django_tasks import task

__all__ = ["task"]
