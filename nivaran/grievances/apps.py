from django.apps import AppConfig


class GrievancesConfig(AppConfig):
    name = "nivaran.grievances"
    label = "grievances"
