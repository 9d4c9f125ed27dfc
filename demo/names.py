"""Names for synthetic people, as varied as a large London borough's.

Faker's en_GB pool alone is not: its 500 surnames carry weights that are their real shares of
Britain's population in per cent (Smith 1.15, Jones 0.94, down to 0.03), which add up to 39.5.
Drawn from alone, every person gets one of them, so each is about 2.5 times as common as in
life ("Jones" 2.4 % of people instead of 0.94 %), and nobody has a name from anywhere else. At
a million people that makes crowds of exact namesakes that a real borough does not have.

So a person's names come from one of several origins, in roughly the shares of London's
population at the 2021 Census (ONS, ethnic group, rounded; names do not follow ethnicity
exactly, so this is an approximation):

- British and Irish names, 51 %: White British 36.8, Irish 1.8, Black Caribbean 3.9 and most
  of Mixed 5.7 and Other Black 1.7 carry them. Surnames: Faker's en_GB 500 at their real
  shares (39.5 %), the other 60.5 % spread evenly over the 2,069 further British and Irish
  surnames of Faker's en_IE list. The real tail is tens of thousands of rarer names, so this
  still makes namesakes more common than in life.
- Other European, 17 % (Other White 14.7 and some of "any other" 4.7): Polish, Romanian,
  Italian, Portuguese, Spanish, Turkish, Lithuanian.
- Indian and other South Asian, 12 % (Indian 7.5, Other Asian 4.6).
- Pakistani, Bangladeshi and Arab, 9 % (3.3, 3.7 and 1.6): Faker's en_PK.
- African, 9 % (Black African 7.9): Nigerian (Yoruba, Igbo, Hausa), Ghanaian, Kenyan.
- Chinese and Vietnamese, 2 % (Chinese 1.7), romanised.

First names are Faker's lists as they are (drawn evenly; en_KE's with its weights). Surnames
without real weights in Faker are drawn by Zipf's law (the n-th most common 1/n as often as
the first) over the list in a fixed shuffled order: a community's surnames concentrate
(Patel, Begum, Nguyen), and an even draw over hundreds of names would understate namesakes.

Every draw uses the caller's random generator only, so a seed always gives the same names.
"""

import random
from bisect import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from itertools import accumulate


class Weighted:
    """Draws from a weighted list in O(log n) (random.choices rebuilds its sums every call)."""

    def __init__(self, pairs: Iterable[tuple[object, float]]) -> None:
        pairs = list(pairs)
        self.values = [v for v, _ in pairs]
        self.sums = list(accumulate(w for _, w in pairs))

    def __call__(self, rng: random.Random):
        return self.values[bisect(self.sums, rng.random() * self.sums[-1])]


@dataclass(frozen=True)
class Pool:
    """First names by sex and surnames of one origin."""

    female: Weighted
    male: Weighted
    last: Weighted

    def first(self, rng: random.Random, *, female: bool) -> str:
        return (self.female if female else self.male)(rng)


def _provider(locale: str):
    return import_module(f"faker.providers.person.{locale}").Provider


def _even(names: Iterable[str]) -> Weighted:
    return Weighted((name, 1) for name in dict.fromkeys(names))


def _as_listed(names) -> Weighted:
    """Faker's weights where it has them (a dict of name to share), else an even draw."""
    return Weighted(names.items()) if isinstance(names, dict) else _even(names)


def _zipf(names: Iterable[str], order: str) -> Weighted:
    """Zipf's law over the names, in an order fixed by `order` (not by the caller's seed)."""
    ranked = sorted(set(names))
    random.Random(order).shuffle(ranked)
    return Weighted((name, 1 / rank) for rank, name in enumerate(ranked, 1))


def _surnames(provider, locale: str) -> Weighted:
    names = provider.last_names
    if locale == "pl_PL":  # its last_names joins lists by sex; the unisex forms read as given
        names = provider.unisex_last_names
    if locale == "zh_CN":
        names = provider.last_romanized_names
    return _as_listed(names) if isinstance(names, dict) else _zipf(names, locale)


def _locale_pool(locale: str) -> Pool:
    provider = _provider(locale)
    if locale == "zh_CN":
        first = _even(provider.first_romanized_names)
        return Pool(first, first, _surnames(provider, locale))
    if not hasattr(provider, "first_names_female"):  # en_PK and lt_LT list first names once
        first = _even(provider.first_names)
        return Pool(first, first, _surnames(provider, locale))
    return Pool(
        _as_listed(provider.first_names_female),
        _as_listed(provider.first_names_male),
        _surnames(provider, locale),
    )


@cache
def en_gb() -> Pool:
    """Faker's en_GB pool alone, as the benchmarks drew from before (for comparison)."""
    return _locale_pool("en_GB")


@cache
def _british() -> Pool:
    gb, ie = en_gb(), _provider("en_IE")
    weights = dict(_provider("en_GB").last_names)
    tail = [name for name in dict.fromkeys(ie.last_names) if name not in weights]
    share = (100 - sum(weights.values())) / len(tail)
    return Pool(gb.female, gb.male, Weighted([*weights.items(), *((n, share) for n in tail)]))


# (share of people in per cent, locale); the shares within an origin are guesses at London's.
ORIGINS = (
    (51, "british"),
    (5, "pl_PL"),
    (4, "ro_RO"),
    (2, "it_IT"),
    (2, "pt_PT"),
    (1.5, "es_ES"),
    (1.5, "tr_TR"),
    (1, "lt_LT"),
    (12, "en_IN"),
    (9, "en_PK"),
    (3.5, "yo_NG"),
    (1.5, "ig_NG"),
    (0.5, "ha_NG"),
    (2, "tw_GH"),
    (1.5, "en_KE"),
    (1.5, "zh_CN"),
    (0.5, "vi_VN"),
)


@cache
def _origins() -> Weighted:
    return Weighted(
        (_british() if locale == "british" else _locale_pool(locale), share)
        for share, locale in ORIGINS
    )


def london(rng: random.Random) -> Pool:
    """The name pool of one person's (or one family's) origin."""
    return _origins()(rng)
