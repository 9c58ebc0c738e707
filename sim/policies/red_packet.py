"""Red packets (红包): money dropped into the group at a chosen moment, for a short burst of life.

On a sending day (every ``every_days`` days, on holidays if ``on_holidays``, or, with
``trigger=low_activity``, whenever the weekly active share is below ``low_activity_share``) an
organizer sends ``amount_yuan`` in ``slot`` (``organizer_minutes`` each; none is sent without the time).
Members online in that slot post at ``1 + spike_posting_boost x (1 - exp(-amount / spike_saturation_yuan))``
times their rate ("either many or big"); those who open a share get ``value_per_yuan`` of value per
yuan today (satisfaction follows) and post a thank-you with ``thank_prob``. Kinds:

- ``random_split``: the first ``shares`` targeted members online open it; amounts by WeChat's split
  (each share uniform on (0, 2 x the mean of what is left)); unopened shares are refunded, so the
  operator spends what was opened.
- ``task``: to open it a member first does the task (a post), with ``task_complete_prob``.
- ``directed`` (定向打赏): the ``shares`` most prolific targeted members get ``amount / shares`` each wherever they are,
  and their tie to the owner grows by ``directed_tie_gain`` (to people you value; 打开连接).
- ``mute_penalty`` (禁言红包): ad spammers who posted are muted for ``mute_days`` and pay
  ``amount_yuan`` as a packet split among those online; the operator pays nothing.

Targets: everyone, newcomers (joined within ``newcomer_days``), lurkers (silent for a week), or
high-potential members. Purposes (warm_up, welcome, wake, good_news, reward, ad_fee) label the
event; ``welcome`` sends only when there are newcomers, ``ad_fee`` is paid by an advertiser whose ad
follows (noise), so it costs the operator nothing. Reciprocity: the day after, receivers send back
``reciprocity_yuan_per_yuan`` of what they got as packets of their own in the same slot (Yuan et al.,
36 M WeChat packets: about 0.18 yuan per yuan within 24 h), a smaller echo; then activity falls back
unless the group has value of its own (P9: a red packet is a spike).
Sources: DOMAIN.md (purposes, types, six rules of thumb, timing: noon, end of workday, after 21:00,
holidays), P9, Yuan et al. 2016-2017.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import SLOTS, _check, _check_choice
from ..observe import active_share
from ..population import HIGH
from .base import Policy

PURPOSES = ("warm_up", "welcome", "wake", "good_news", "reward", "ad_fee")
KINDS = ("random_split", "task", "directed", "mute_penalty")
TARGETS = ("everyone", "newcomers", "lurkers", "high_potential")
TRIGGERS = ("schedule", "low_activity")


@dataclass(frozen=True)
class RedPacketParams:
    """A red-packet programme: why, what kind, how much, when and to whom."""

    purpose: str = "warm_up"  # DOMAIN.md: warm up, welcome newcomers, wake members, good news, reward, pay for an ad
    kind: str = "random_split"  # DOMAIN.md: share (random split), task, directed reward, mute-penalty
    amount_yuan: float = 20.0  # per packet; "either many or big" (DOMAIN.md); assumption
    shares: int = 10  # random split: how many can open it; directed: how many receive
    slot: str = "noon"  # DOMAIN.md timing: noon, end_of_workday, after_21 (and holidays); night for contrast
    trigger: str = "schedule"  # schedule (every_days) or low_activity (when the active share is low)
    every_days: int = 7  # schedule: one packet per this many days (day 0 included)
    on_holidays: bool = True  # also on public holidays (Yuan et al.: packets cluster at festivals)
    low_activity_share: float = 0.15  # low_activity: send when the weekly active share is below this
    target: str = "everyone"  # everyone | newcomers | lurkers | high_potential
    newcomer_days: int = 7  # newcomers: joined within this many days
    spike_posting_boost: float = 1.0  # assumption (P9): online members post (1 + boost x saturation) x rate
    spike_saturation_yuan: float = 20.0  # amount at which the spike is 63 % of its maximum; assumption
    value_per_yuan: float = 0.05  # value of a yuan received, on the value scale of rules.value; assumption
    thank_prob: float = 0.5  # an opener posts a thank-you (the visible part of the spike); assumption
    task_complete_prob: float = 0.5  # task packets: an online targeted member does the task; assumption
    directed_tie_gain: float = 0.2  # directed: the owner-receiver tie grows by this (weak to strong)
    mute_days: int = 3  # mute_penalty: days a spammer stays muted
    reciprocity_yuan_per_yuan: float = 0.18  # Yuan et al. (36 M WeChat packets): sent back within 24 h
    organizer_minutes: float = 3.0  # per packet sent by an organizer (choose, word, send); assumption

    def __post_init__(self) -> None:
        _check_choice(self, "purpose", PURPOSES)
        _check_choice(self, "kind", KINDS)
        _check_choice(self, "slot", SLOTS)
        _check_choice(self, "trigger", TRIGGERS)
        _check_choice(self, "target", TARGETS)
        _check(self, "amount_yuan", 0.0, 200.0, lo_open=True)  # WeChat caps one packet at 200 yuan
        _check(self, "shares", 1, 500)
        _check(self, "every_days", 1)
        _check(self, "newcomer_days", 1)
        _check(self, "mute_days", 0)
        _check(self, "low_activity_share", 0.0, 1.0)
        for name in ("thank_prob", "task_complete_prob", "directed_tie_gain", "reciprocity_yuan_per_yuan"):
            _check(self, name, 0.0, 1.0)
        for name in ("spike_posting_boost", "value_per_yuan", "organizer_minutes"):
            _check(self, name, 0.0)
        _check(self, "spike_saturation_yuan", 0.0, lo_open=True)


def split_amounts(total_yuan: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """WeChat's random split: each share uniform on (0, 2 x mean of the rest), in fen, at least 1 fen each."""
    if n <= 0:
        return np.empty(0)
    left = int(round(total_yuan * 100))
    out = np.empty(n, dtype=np.int64)
    for i in range(n - 1):  # n <= 500: a loop over shares, not members
        most = max(1, 2 * (left - (n - 1 - i)) // (n - i))
        out[i] = min(max(1, int(rng.integers(1, most + 1))), left - (n - 1 - i))
        left -= out[i]
    out[n - 1] = left
    return out / 100.0


class RedPacket(Policy):
    """Red packets: a spike of activity where and when they land (P9)."""

    name = "red_packet"
    order = 40
    Params = RedPacketParams

    def setup(self, model) -> None:
        G, p = model.groups.count, self.params
        self.slot = SLOTS.index(p.slot)
        self.muted_until = np.full(model.people.n, -1, dtype=np.int32)
        self.sending = np.zeros(G, dtype=bool)  # groups sending today
        self.echo_yuan = np.zeros(G)  # reciprocity: what receivers send back today
        self.receivers: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # group -> (people, yuan) of today's packet

    # ------------------------------------------------------------------ morning
    def _due(self, model) -> np.ndarray:
        p, day = self.params, model.calendar.day
        G = model.groups.count
        if p.trigger == "low_activity":
            due = active_share(model) < p.low_activity_share
            due &= model.group_sizes > 0
        else:
            due = np.full(G, day % p.every_days == 0)
        if p.on_holidays and model.calendar.is_holiday:
            due[:] = True
        if p.purpose == "welcome":
            due &= model.groups.joins_yesterday > 0
        return due & (model.group_sizes > 0)

    def plan_day(self, model) -> None:
        p, day = self.params, model.day_state
        self.echo_yuan[:] = 0.0
        self.echo_from = {}
        for g, (who, got) in self.receivers.items():  # yesterday's receivers send some back (Yuan et al.)
            back = np.floor(got * p.reciprocity_yuan_per_yuan * 100) / 100  # whole fen
            if back.sum() > 0:
                self.echo_yuan[g] = back.sum()
                self.echo_from[g] = (who, back)
        self.receivers = {}
        self.sending[:] = False
        for g in np.flatnonzero(self._due(model)):
            paid_by_operator = p.kind != "mute_penalty" and p.purpose != "ad_fee"
            if paid_by_operator and not self.claim_minutes(int(g), p.organizer_minutes, "send"):
                continue
            self.sending[g] = True
            day.boost_slot(int(g), self.slot, self._spike(p.amount_yuan))
            if p.purpose == "ad_fee":
                day.policy_noise_posts[g] += 1  # the advertiser's ad follows the packet
        for g in np.flatnonzero(self.echo_yuan > 0):
            day.boost_slot(int(g), self.slot, self._spike(self.echo_yuan[g]))
        muted = np.flatnonzero(self.muted_until[day.crowd] >= day.index)
        if len(muted):
            day.crowd_array("post_factor", 1.0)[muted] = 0.0

    def _spike(self, amount_yuan: float) -> float:
        p = self.params
        return p.spike_posting_boost * (1.0 - np.exp(-amount_yuan / p.spike_saturation_yuan))

    # ------------------------------------------------------------------ in the slot
    def react(self, model) -> None:
        day, p = model.day_state, self.params
        if not (self.sending.any() or (self.echo_yuan > 0).any()):
            return
        online = day.online[:, self.slot]
        for g in np.flatnonzero(self.sending):
            self._send(model, int(g), online)
        for g in np.flatnonzero(self.echo_yuan > 0):
            rows = np.flatnonzero(online & (day.group == g))
            k = min(p.shares, len(rows), int(round(self.echo_yuan[g] * 100)))
            if k == 0:
                continue  # nobody online to open it: it is never sent
            senders, back = self.echo_from[int(g)]
            model.people.paid_yuan[senders] += back
            rows = model.rng.permutation(rows)[:k]
            got = split_amounts(self.echo_yuan[g], k, model.rng)
            self._give(model, rows, got, thanks=False)
            self.log(int(g), "reciprocate", target_count=len(rows), slot=p.slot,
                     detail=f"members sent back {self.echo_yuan[g]:.2f} yuan")

    def _targets(self, model, g: int) -> np.ndarray:
        """Crowd rows of group g that the packet is meant for."""
        day, people, p = model.day_state, model.people, self.params
        rows = np.flatnonzero(day.group == g)
        who = day.crowd[rows]
        if p.target == "newcomers":
            rows = rows[day.index - people.joined_day[who] < p.newcomer_days]
        elif p.target == "lurkers":
            rows = rows[people.last_active_day[who] < day.index - 7]
        elif p.target == "high_potential":
            rows = rows[people.tier[who] == HIGH]
        return rows

    def _send(self, model, g: int, online: np.ndarray) -> None:
        day, people, p, rng = model.day_state, model.people, self.params, model.rng
        minutes = p.organizer_minutes
        if p.kind == "mute_penalty":
            posted = np.flatnonzero((day.group == g) & (day.posts > 0) & people.spammer[day.crowd])
            if len(posted) == 0:
                self.sending[g] = False
                return
            violators = day.crowd[posted]
            self.muted_until[violators] = day.index + p.mute_days
            minutes = 0.0
            rows = np.flatnonzero(online & (day.group == g))
            rows = rows[~np.isin(rows, posted)]
            rows = rng.permutation(rows)[: p.shares]
            got = split_amounts(p.amount_yuan, p.shares, rng)[: len(rows)]
            people.paid_yuan[violators] += got.sum() / len(violators)  # unopened shares go back to the sender
        elif p.kind == "directed":
            rows = self._targets(model, g)
            rows = rows[np.argsort(-people.posts_total[day.crowd[rows]], kind="stable")][: p.shares]
            got = np.full(len(rows), p.amount_yuan / p.shares)
            owner = model.groups.owner[g]
            if owner >= 0 and len(rows):
                people.strengthen(np.full(len(rows), owner), day.crowd[rows], p.directed_tie_gain)
        else:
            rows = self._targets(model, g)
            rows = rows[online[rows]]
            if p.kind == "task":
                rows = rows[rng.random(len(rows)) < p.task_complete_prob]
                model.add_posts(day.crowd[rows], 1)  # the task is a post
            rows = rng.permutation(rows)[: p.shares]
            got = split_amounts(p.amount_yuan, p.shares, rng)[: len(rows)]  # unopened shares are refunded
        operator_yuan = 0.0 if p.kind == "mute_penalty" or p.purpose == "ad_fee" else float(got.sum())
        self._give(model, rows, got, thanks=True)
        self.receivers[g] = (day.crowd[rows], got)
        self.log(g, f"{p.purpose}:{p.kind}", target_count=len(rows), slot=p.slot, spend_yuan=operator_yuan,
                 organizer_minutes=minutes, detail=f"{got.sum():.2f} of {p.amount_yuan:.2f} yuan opened")

    def _give(self, model, rows: np.ndarray, yuan: np.ndarray, thanks: bool) -> None:
        """Crowd ``rows`` receive ``yuan``: money, today's value, and maybe a thank-you post."""
        if len(rows) == 0:
            return
        day, people, p = model.day_state, model.people, self.params
        who = day.crowd[rows]
        people.received_yuan[who] += yuan
        day.crowd_array("reward", 0.0)[rows] += np.float32(p.value_per_yuan) * yuan.astype(np.float32)
        if thanks:
            thank = model.rng.random(len(rows)) < p.thank_prob
            model.add_posts(who[thank], 1)
