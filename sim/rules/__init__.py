"""The submodels of a day, one module each, called in this order by ``CommunityModel.step``."""

from . import activity, content, core_team, exit, join, novelty, satisfaction, value  # noqa: F401
