import math

import numpy as np
import pytest

from dying_relu import stats


def test_mean_interval_matches_the_t_table() -> None:
    # Five observations 1..5: mean 3, standard deviation sqrt(2.5), and the two-sided 95 %
    # quantile of Student's t with 4 degrees of freedom is 2.776 in printed tables.
    result = stats.mean_interval([1.0, 2.0, 3.0, 4.0, 5.0])
    half = 2.776 * math.sqrt(2.5) / math.sqrt(5)
    assert result.estimate == pytest.approx(3.0)
    assert result.low == pytest.approx(3.0 - half, abs=1e-3)
    assert result.high == pytest.approx(3.0 + half, abs=1e-3)
    assert result.n == 5
    assert result.confidence == 0.95


def test_mean_interval_widens_with_confidence_and_narrows_with_data() -> None:
    rng = np.random.default_rng(0)
    sample = rng.normal(size=30)
    narrow, wide = stats.mean_interval(sample, 0.8), stats.mean_interval(sample, 0.99)
    assert wide.low < narrow.low < narrow.high < wide.high
    more = stats.mean_interval(np.tile(sample, 4))
    assert more.high - more.low < stats.mean_interval(sample).high - stats.mean_interval(sample).low


def test_mean_interval_leaves_out_nan_and_counts_the_rest() -> None:
    result = stats.mean_interval([1.0, np.nan, 3.0])
    assert result.n == 2
    assert result.estimate == 2.0


def test_mean_interval_of_too_small_samples_has_no_interval() -> None:
    empty, single = stats.mean_interval([np.nan]), stats.mean_interval([0.5])
    assert empty.n == 0
    assert math.isnan(empty.estimate)
    assert single.estimate == 0.5
    assert math.isnan(single.low)
    assert math.isnan(single.high)
    assert math.isnan(single.pvalue)
    assert not single.excludes(0.0)


def test_mean_interval_of_identical_values_is_a_point() -> None:
    zeros = stats.mean_interval([0.0, 0.0, 0.0])
    assert (zeros.low, zeros.high, zeros.pvalue) == (0.0, 0.0, 1.0)
    twos = stats.mean_interval([2.0, 2.0], reference=0.0, alternative="greater")
    assert twos.pvalue == 0.0
    assert stats.mean_interval([2.0, 2.0], alternative="less").pvalue == 1.0


def test_one_sided_p_values_point_the_right_way() -> None:
    sample = [0.4, 0.5, 0.6, 0.45, 0.55]
    greater = stats.mean_interval(sample, reference=0.3, alternative="greater").pvalue
    less = stats.mean_interval(sample, reference=0.3, alternative="less").pvalue
    two = stats.mean_interval(sample, reference=0.3).pvalue
    assert greater < 0.01
    assert less > 0.99
    assert greater == pytest.approx(two / 2)


def test_proportion_interval_is_wilsons() -> None:
    # Wilson's interval for 5 of 10 at 95 %, worked by hand from the formula: the centre
    # stays at 1/2 and the half-width is 1.96 / (1 + 1.96^2 / 10) * sqrt(0.025 + 1.96^2 / 400).
    half = stats.proportion_interval(5, 10)
    assert half.low == pytest.approx(0.2366, abs=1e-4)
    assert half.high == pytest.approx(0.7634, abs=1e-4)
    # With no success the upper end is z^2 / (n + z^2).
    none = stats.proportion_interval(0, 20)
    z2 = 1.959964**2
    assert none.low == 0.0
    assert none.high == pytest.approx(z2 / (20 + z2), abs=1e-5)
    assert stats.proportion_interval(20, 20).high == 1.0
    assert math.isnan(stats.proportion_interval(0, 0).estimate)


def test_paired_proportion_test_counts_only_disagreements() -> None:
    assert stats.paired_proportion_test([1] * 9 + [0], [0] * 10) == pytest.approx(2 * 0.5**9)
    # Pairs that agree change nothing.
    assert stats.paired_proportion_test([1] * 9 + [1] * 5, [0] * 9 + [1] * 5) == pytest.approx(
        2 * 0.5**9
    )
    assert stats.paired_proportion_test([1, 0, 1], [1, 0, 1]) == 1.0
    assert stats.paired_proportion_test([1, 0], [0, 1]) == 1.0


def test_proportion_test_compares_two_independent_samples() -> None:
    # 3 of 3 against 0 of 3: the observed table and the one as extreme the other way, each of
    # probability 1 / C(6, 3).
    assert stats.proportion_test(3, 3, 0, 3) == pytest.approx(2 / 20)
    assert stats.proportion_test(2, 4, 2, 4) == 1.0
    with pytest.raises(ValueError, match="first_successes"):
        stats.proportion_test(4, 3, 0, 3)
    with pytest.raises(TypeError, match="second_trials"):
        stats.proportion_test(1, 3, 0, 3.0)  # type: ignore[arg-type]


def test_above_chance() -> None:
    assert stats.above_chance(430, 450, 0.1) < 1e-100
    assert stats.above_chance(45, 450, 0.1) > 0.4
    assert stats.above_chance(0, 450, 0.1) == 1.0


def test_holm_matches_the_step_down_procedure() -> None:
    np.testing.assert_allclose(stats.holm([0.01, 0.04, 0.03, 0.005]), [0.03, 0.06, 0.06, 0.02])
    assert stats.holm([0.2]).tolist() == [0.2]
    assert stats.holm([0.5, np.nan]).tolist() == [1.0, 1.0]


def test_holm_never_lowers_a_p_value_and_keeps_their_order() -> None:
    p = np.random.default_rng(1).uniform(size=12)
    adjusted = stats.holm(p)
    assert np.all(adjusted >= p)
    assert np.all(np.diff(adjusted[np.argsort(p)]) >= 0)
    assert np.all(adjusted <= 1.0)


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: stats.mean_interval([1.0, 2.0], 1.5), ValueError, "confidence"),
        (lambda: stats.mean_interval([1.0, 2.0], True), TypeError, "confidence"),
        (lambda: stats.mean_interval([1.0, np.inf]), ValueError, "samples"),
        (lambda: stats.mean_interval(["a"]), TypeError, "samples"),
        (lambda: stats.mean_interval([1.0, 2.0], alternative="both"), ValueError, "alternative"),
        (lambda: stats.proportion_interval(3, 2), ValueError, "successes"),
        (lambda: stats.proportion_interval(-1, 2), ValueError, "successes"),
        # A float count, on purpose.
        (lambda: stats.proportion_interval(1.0, 2), TypeError, "successes"),  # type: ignore[arg-type]
        (lambda: stats.paired_proportion_test([1, 0], [1]), ValueError, "pair"),
        (lambda: stats.above_chance(1, 10, 1.5), ValueError, "chance"),
        (lambda: stats.holm([0.5, 1.5]), ValueError, "pvalues"),
    ],
)
def test_bad_input_names_the_argument(call: object, error: type, name: str) -> None:
    with pytest.raises(error, match=name):
        call()  # type: ignore[operator]
