import time


def test_never_ends() -> None:
    while True:
        time.sleep(0.1)
