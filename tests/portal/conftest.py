from tests.evaluation.conftest import make_review  # noqa: F401  (the fixture, shared here)
