from django.apps import AppConfig


class RtsConfig(AppConfig):
    """Right to Service (H1-H4): notified services, their auto-appeal cases and appeals."""

    name = "nivaran.rts"
    label = "rts"

    def ready(self) -> None:
        from nivaran.profiles.signals import profile_applied
        from nivaran.rts.importing import catalogue_from_profile

        profile_applied.connect(catalogue_from_profile, dispatch_uid="rts-catalogue")
