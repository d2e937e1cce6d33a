import pytest

from .problems import PAIRS, make_problem


@pytest.fixture(params=PAIRS, ids=lambda p: "-".join(p))
def problem(request):
    return make_problem(*request.param)
