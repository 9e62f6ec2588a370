"""What accounts tell the apps above them, without knowing who listens (they connect in their
`AppConfig.ready`): `went_live` is sent inside the transaction that puts accounts live (go-live,
retained by HEC, registered from the inventory), with `accounts`, a list of them."""

from django.dispatch import Signal

went_live = Signal()
