from django.apps import AppConfig


class OtpConfig(AppConfig):
    name = "nivaran.otp"
    label = "otp"
    verbose_name = "One-time passwords"
