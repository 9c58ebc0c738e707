"""P9-directed: directed packets (定向打赏) to the high-potential members reach the valued members."""

from ..validate import Arm, Pattern


def high_share_of_money(result) -> float:
    """Share of all packet money ordinary members received (operator's and reciprocated) that went to high tier."""
    m = result.members
    m = m[m["role"] == "member"]
    total = m["received_yuan"].sum()
    return float(m.loc[m["tier"] == "high", "received_yuan"].sum() / total) if total > 0 else 0.0


def directed_minus_random(results) -> float:
    """high-potential members' share of all packet money, directed packets minus random-split packets"""
    return high_share_of_money(results["directed"]) - high_share_of_money(results["random"])


PATTERN = Pattern(
    id="P9-directed",
    title="red packets: directed to the valued",
    expected="directed packets to the high-potential members put most packet money (reciprocated packets "
             "included) in their hands, at least 0.5 more of it than random-split packets (which give them "
             "about their share of those online)",
    source="DOMAIN.md P9 and red packets' rules of thumb (send directed ones to people you value; 定向打赏)",
    lesson="to reward the members who carry the group, direct the packet to them: a random split rewards "
           "whoever is online, and 'the most prolific' are mostly newbies and chatty lurkers-turned-talkers",
    arms={"directed": Arm("p9_red_packets", ("policy.red_packet.kind=directed",
                                             "policy.red_packet.target=high_potential")),
          "random": Arm("p9_red_packets", ("policy.red_packet.kind=random_split",
                                           "policy.red_packet.target=everyone"))},
    statistic=directed_minus_random,
    low=0.5, high=1.0, unit="high-tier share of packet money (directed - random)",
)
