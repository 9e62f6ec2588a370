"""`manage.py benchmark` (issue 13): every page family timed on a small, a young and a large
history.

- `generate`: years of an organisation's history (ten, or two for the young set), written
  straight into PostgreSQL with COPY, deterministically (fixed seed), every step valid for the
  models' state tables;
- `databases`: the three databases it runs in, beside the configured one, never in it;
- `measure`: the busiest user of each role, the page families, and the timing loop."""
