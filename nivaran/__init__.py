"""Nivaran: public grievance redressal platform."""

from nivaran.celery import app as celery_app

__all__ = ["celery_app"]
