import pytest

from tests.support.helm import helm_binary


@pytest.fixture(autouse=True)
def _needs_helm() -> None:
    if helm_binary() is None:  # CI builds it, so there these tests always run
        pytest.skip("helm is not installed: `make helm` builds it (CI does)")
