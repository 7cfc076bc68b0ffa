"""Answers give way to acks in flight, and only to them."""

from __future__ import annotations

import threading

from bot.dispatch import InFlight


def test_with_no_ack_in_flight_an_answer_does_not_wait() -> None:
    acks = InFlight()
    returned = threading.Event()
    waiter = threading.Thread(target=lambda: (acks.wait_for_acks(3600), returned.set()))
    waiter.start()
    waiter.join(timeout=60)
    assert returned.is_set()


def test_an_answer_waits_until_the_acks_in_flight_are_done() -> None:
    acks = InFlight()
    returned, release = threading.Event(), threading.Event()
    holding = threading.Event()

    def ack() -> None:
        with acks.answering():
            holding.set()
            release.wait(60)

    acker = threading.Thread(target=ack)
    acker.start()
    holding.wait(60)
    waiter = threading.Thread(target=lambda: (acks.wait_for_acks(3600), returned.set()))
    waiter.start()
    waiter.join(timeout=0.2)
    assert not returned.is_set()  # an ack is in flight: the answer waits, however long it takes
    release.set()
    acker.join(60)
    waiter.join(60)
    assert returned.is_set()


def test_an_answer_waits_no_longer_than_its_limit() -> None:
    acks = InFlight()
    with acks.answering():
        acks.wait_for_acks(0.01)  # returns although the ack is still in flight
