from tests.evaluation.conftest import (  # noqa: F401  (the fixtures, shared here)
    make_recertification,
    make_review,
)
