"""What accounts tell the apps above them, without knowing who listens (they connect in their
`AppConfig.ready`), each with `accounts`, a list of them, and the `actor` who took the step:
`went_live` is sent inside the transaction that puts accounts live (go-live, retained by HEC,
registered from the inventory); `closed`, inside the one that marks an account closed."""

from django.dispatch import Signal

went_live = Signal()
closed = Signal()
