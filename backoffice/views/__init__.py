"""Views of the back office: parse, call a selector or a service, render.

``home`` is "Ma journée", the landing page of officers and directors.
"""

from backoffice.views.day import home

__all__ = ["home"]
