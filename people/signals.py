"""What people tell the apps above them, without knowing who listens (they connect in their
`AppConfig.ready`).

A person leaving: sent inside the transaction that deactivates them, after the people's own
records have moved on (the offices they headed have an acting head, the people they managed a
new line manager), with `person`, the `actor` who deactivated them (None when nobody signed in
did: a command, the shell) and `acting_heads`, each office they headed with its acting head (or
None). Each app then does its part and logs it, in the order every change locks its objects:
`leaving_approvals` first (proposals: the approvals waiting for them move, and the proposals
they made or are named on are carried on by someone else), then `person_left` (accounts: their
teams)."""

from django.dispatch import Signal

leaving_approvals = Signal()
person_left = Signal()
