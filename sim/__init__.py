"""community-sim: an agent-based simulation of online communities and the policies that run them."""

__version__ = "0.1.0"

from .config import Config, ConfigError  # noqa: E402
from .model import CommunityModel  # noqa: E402
from .api import simulate  # noqa: E402
from .outputs import Result  # noqa: E402

__all__ = ["CommunityModel", "Config", "ConfigError", "Result", "simulate", "__version__"]
