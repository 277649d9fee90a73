"""Signals of the profile loader, for the bounded contexts that keep master data of their
own (the Right to Service catalogue): they load it without the loader knowing them."""

from django.dispatch import Signal

# Sent inside `profile_apply`'s transaction once the organisation is written; `profile`.
# A receiver that raises ProfileError undoes the whole load.
profile_applied = Signal()
