"""F-focus: unscreened leads, ad posters and daily offers; the loss-of-focus detector fires."""

from ..validate import Arm, Pattern
from ._failures import detection

PATTERN = Pattern(
    id="F-focus",
    title="loss of focus detected",
    expected="in a group filled with unscreened leads, with one low-potential person in five posting ads and an "
             "offer every day, the loss-of-focus detector (mean interest match < 0.45 or perceived noise > 25 %) "
             "fires in at least 8 runs in 10 within 120 days",
    source="DOMAIN.md, how communities fail: loss of focus (失焦), topics drift away from members' interests; "
           "ad spam drives valued members away",
    lesson="filling a group with whoever accepts, and letting ads in, drowns its topic: screen the inflow and "
           "curb the ads",
    arms={"unfocused": Arm("f_focus")},
    statistic=detection("unfocused", "loss_of_focus"),
    low=0.8, high=1.0, unit="share of runs",
)
