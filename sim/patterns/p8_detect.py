"""P8-detect: the evaporation detector names the loop in a noisy uncurated group."""

from ..validate import Arm, Pattern


def detected(results) -> float:
    """1 if the evaporation detector fired in the noisy uncurated group, else 0"""
    return float(results["noisy"].summary["groups"]["0"]["failures"]["evaporation"]["detected"])


PATTERN = Pattern(
    id="P8-detect",
    title="evaporation detected",
    expected="the evaporation detector (high-potential exits at 1.5 x the others' rate while perceived quality "
             "falls) fires in most runs (at least 8 in 10)",
    source="DOMAIN.md P8 and failure mode evaporation (蒸发)",
    lesson="the detector turns P8 into an alarm an operator can act on before the group's best are gone",
    arms={"noisy": Arm("p8_evaporation")},
    statistic=detected,
    low=0.8, high=1.0, unit="share of runs",
)
