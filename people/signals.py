"""What people tell the apps above them, without knowing who listens (they connect in their
`AppConfig.ready`).

`person_left` is sent inside the transaction that deactivates a person, after the people's own
records have moved on (the offices they headed have an acting head, the people they managed a
new line manager), with `person`, the `actor` who deactivated them (None when nobody signed in
did: a command, the shell) and `acting_heads`, each office they headed with its acting head (or
None). Each app then does its part (a team without them, an approval that moves) and logs it."""

from django.dispatch import Signal

person_left = Signal()
