"""P4: about one third of a group's members are newbies (小白)."""

from ..validate import Arm, Pattern


def newbie_share(results) -> float:
    """Share of newbies among everyone who was ever a member (members.parquet ``newbie``)."""
    return float(results["keen"].members["newbie"].mean())


PATTERN = Pattern(
    id="P4",
    title="newbies",
    expected="about one third of everyone who was ever a member is a newbie (小白)",
    source="DOMAIN.md P4 (about a third of members are newbies who ask naive questions)",
    lesson="plan for a third of the group asking naive questions: answer them (peers, organizers) "
           "or they turn into noise",
    arms={"keen": Arm("newbies")},
    statistic=newbie_share,
    low=0.25, high=0.42, unit="share of members",
)
