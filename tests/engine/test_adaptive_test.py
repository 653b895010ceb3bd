"""The adaptive test: information, EAP, stopping, and exposure control on simulated examinees."""

from __future__ import annotations

import numpy as np
import pytest

from learnloop.engine.adaptive_test import AdaptiveTest, BankTables, ItemBank, simulate_cat


def make_bank(rng: np.random.Generator, n: int = 120) -> ItemBank:
    return ItemBank(
        np.clip(rng.normal(1.2, 0.25, n), 0.1, None),
        rng.normal(0, 1, n),
        np.clip(rng.normal(0.25, 0.02, n), 0, None),
    )


def test_information_is_fishers(rng: np.random.Generator) -> None:
    bank = make_bank(rng, 5)
    theta, h = 0.3, 1e-5
    p = bank.probability(theta)
    slope = (bank.probability(theta + h) - bank.probability(theta - h)) / (2 * h)
    assert bank.information(theta) == pytest.approx(slope**2 / (p * (1 - p)), rel=1e-5)


def test_eap_starts_at_the_prior_and_moves_with_answers(rng: np.random.Generator) -> None:
    bank = make_bank(rng)
    test = AdaptiveTest(bank, rng=rng, max_items=5)
    assert test.theta == pytest.approx(0.0, abs=1e-9)
    assert test.se == pytest.approx(1.0, abs=0.01)
    first = test.next_item()
    test.record(first, True)
    assert test.theta > 0
    assert test.se < 1.0
    with pytest.raises(ValueError, match="already administered"):
        test.record(first, False)


def test_standard_error_target_stops_the_test_early(rng: np.random.Generator) -> None:
    bank = make_bank(rng)
    result = simulate_cat(
        bank, rng.normal(0, 1, 50), rng=rng, max_items=40, se_target=0.45, max_exposure=None
    )
    assert result.lengths.max() < 40
    assert (result.standard_errors <= 0.45).all()


def test_exposure_is_capped_and_accuracy_beats_a_random_test(rng: np.random.Generator) -> None:
    bank = make_bank(rng)
    thetas = rng.normal(0, 1, 400)
    adaptive = simulate_cat(
        bank, thetas, rng=np.random.default_rng(1), max_items=15, max_exposure=0.25
    )
    assert adaptive.exposure.max() <= 0.25
    # a random test: randomesque over the whole bank is random item order
    random = simulate_cat(
        bank,
        thetas,
        rng=np.random.default_rng(1),
        max_items=15,
        randomesque=len(bank),
        max_exposure=None,
    )
    assert adaptive.rmse(thetas) < random.rmse(thetas) - 0.03
    uncapped = simulate_cat(
        bank, thetas, rng=np.random.default_rng(1), max_items=15, max_exposure=None
    )
    assert uncapped.exposure.max() > 0.5  # what the cap prevents: an item for most examinees


def test_tables_match_the_bank(rng: np.random.Generator) -> None:
    bank = make_bank(rng, 10)
    tables = BankTables.build(bank)
    column = 80  # theta = 0 on the default 161-point grid
    assert tables.grid[column] == pytest.approx(0.0)
    assert np.exp(tables.log_right[:, column]) == pytest.approx(bank.probability(0.0))
    assert tables.information[:, column] == pytest.approx(bank.information(0.0))


def test_an_eligible_mask_keeps_other_items_out_unless_too_few_remain(
    rng: np.random.Generator,
) -> None:
    bank = make_bank(rng, 30)
    allowed = np.zeros(30, dtype=bool)
    allowed[10:20] = True
    test = AdaptiveTest(bank, rng=rng, max_items=8, eligible=allowed)
    while not test.done:
        test.record(test.next_item(), bool(rng.random() < 0.5))
    assert set(test.administered) <= set(range(10, 20))
    # fewer eligible items than the test needs: the mask gives way rather than cut the test short
    short = AdaptiveTest(bank, rng=rng, max_items=12, eligible=allowed)
    while not short.done:
        short.record(short.next_item(), True)
    assert len(short.administered) == 12
    assert not set(short.administered) <= set(range(10, 20))
