"""`manage.py benchmark` (issue 13): every page family timed on a small and a large history.

- `generate`: ten years of an organisation's history, written straight into PostgreSQL with
  COPY, deterministically (fixed seed), every step valid for the models' state tables;
- `databases`: the two databases it runs in, beside the configured one, never in it;
- `measure`: the busiest user of each role, the page families, and the timing loop."""
