import os
import tempfile

import pytest

from gs import KEY_ID, SECRET, Server


@pytest.fixture(scope="session")
def server():
    s = Server()
    yield s
    assert s.stop() == 0


@pytest.fixture(scope="session")
def signed_server():
    with tempfile.NamedTemporaryFile("w", suffix=".keys", delete=False) as f:
        f.write(f"# test keys\n{KEY_ID} {SECRET}\n")
    s = Server("--credentials", f.name)
    yield s
    s.stop()
    os.unlink(f.name)


@pytest.fixture(scope="session")
def throttled_server():
    s = Server("--tps", "5")
    yield s
    s.stop()
