"""J-backstrom-concave: diminishing returns in k over k = 1..16 (Backstrom et al. 2006).

The elasticity of the daily join rate with respect to k, the slope of log rate against log k over the
bins k = 1, 2, 3-4, 5-8, 9-16 (weighted by the joins in each bin; the bins' mean k as abscissa): above 0
the rate keeps rising with more friends, below 1 each further friend adds less (a proportional rate has
elasticity 1; a logarithmic curve, rate ~ log2(1 + k), about 0.5 over this range). Measured as in
``j_backstrom`` (the same run, the same rebuilt graph).
"""

from __future__ import annotations

import numpy as np

from ..validate import Arm, Pattern
from .j_backstrom import join_curve

BINS = ((1, 1), (2, 2), (3, 4), (5, 8), (9, 16))


def elasticity(results) -> float:
    """Weighted least-squares slope of log(rate) on log(mean k) over BINS (bins without joins skipped)."""
    joins, exposure = join_curve(results["keen"])
    ks = np.arange(len(joins))
    x, y, w = [], [], []
    for lo, hi in BINS:
        j, e = joins[lo:hi + 1].sum(), exposure[lo:hi + 1].sum()
        if j > 0:
            x.append(np.log((ks[lo:hi + 1] * exposure[lo:hi + 1]).sum() / e))
            y.append(np.log(j / e))
            w.append(np.sqrt(j))  # Poisson: the variance of log(rate) is about 1 / joins
    return float(np.polyfit(x, y, 1, w=w)[0])


PATTERN = Pattern(
    id="J-backstrom-concave",
    title="diminishing returns of friends inside",
    expected="the join rate keeps rising with k but less than in proportion: elasticity over k = 1..16 "
             "between 0.25 and 0.8 (proportional: 1; logarithmic: about 0.5)",
    source="Backstrom, Huttenlocher, Kleinberg, Lan, KDD 2006 ('a law of diminishing returns': each further "
           "friend has a smaller effect but still raises the chance of joining)",
    lesson="to grow a group, reach many people with one or two friends inside rather than piling friends on a few",
    arms={"keen": Arm("backstrom")},
    statistic=elasticity,
    low=0.25, high=0.8, unit="elasticity d log rate / d log k",
)
