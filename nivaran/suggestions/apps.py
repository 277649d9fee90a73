from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    name = "nivaran.suggestions"
    label = "suggestions"
    verbose_name = "Category suggestion"
