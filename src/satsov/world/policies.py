"""Supplier policies: which operators a territory allows, by name or by jurisdiction.

A policy is an object, not a string: ``policy.allows(operator)``. Jurisdiction lists accept ISO
alpha-2 codes and group names (``EU27``, ``NATO``, ``FIVE_EYES``...), expanded to their members.
An operator is judged by its home jurisdiction *and* its parent's (a subsidiary of a PRC company is
under PRC jurisdiction too).

>>> from satsov.world.operators import operator_registry
>>> reg = operator_registry()
>>> no_prc = Policy("no-prc", deny_jurisdictions=("CN",))
>>> no_prc.allows(reg["starlink"]), no_prc.allows(reg["qianfan"])
(True, False)
>>> eu = Policy("eu-sovereign", allow_jurisdictions=("EU27",))
>>> [op for op in ("eutelsat", "ses", "oneweb", "starlink") if eu.allows(reg[op])]
['eutelsat', 'ses']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from satsov.errors import UnknownNameError

__all__ = ["Policy", "PolicyLike", "expand_jurisdictions", "standard_policies"]


class PolicyLike(Protocol):
    name: str

    def allows(self, operator) -> bool: ...


def expand_jurisdictions(items, as_of=None) -> frozenset[str]:
    """ISO codes and group names to a set of ISO alpha-2 codes (EU groups also include the code 'EU')."""
    from satsov.world.operators import SUPRANATIONAL
    from satsov.world.regions import countries, group_members, groups
    out: set[str] = set()
    known = countries()
    for item in items:
        key = str(item).strip().upper().replace(" ", "_")
        if key in known or key in SUPRANATIONAL:
            out.add(key)
        elif key in groups():
            out.update(group_members(key, as_of))
            if key in ("EU", "EU27", "EEA"):
                out.add("EU")
        else:
            by_name = {c.name.upper(): c.alpha2 for c in known.values()}
            if key.replace("_", " ") in by_name:
                out.add(by_name[key.replace("_", " ")])
            else:
                raise UnknownNameError("jurisdiction", str(item), list(known) + list(groups()))
    return frozenset(out)


@dataclass(frozen=True)
class Policy:
    """Allowed and denied operators and jurisdictions. Empty allow-lists allow everything not denied."""

    name: str
    allow_operators: tuple[str, ...] = ()
    deny_operators: tuple[str, ...] = ()
    allow_jurisdictions: tuple[str, ...] = ()
    deny_jurisdictions: tuple[str, ...] = ()
    description: str = ""
    as_of: str | None = None
    land_in: tuple[str, ...] = ()   # traffic must land (gateways) in these countries or groups; () = anywhere

    def allows(self, operator) -> bool:
        key = operator.key
        juris = set(operator.jurisdictions)
        if key in self.deny_operators:
            return False
        if self.deny_jurisdictions and juris & expand_jurisdictions(self.deny_jurisdictions, self.as_of):
            return False
        if self.allow_operators and key in self.allow_operators:
            return True
        if self.allow_jurisdictions:
            return juris <= expand_jurisdictions(self.allow_jurisdictions, self.as_of)
        return not self.allow_operators

    def allowed(self, operators) -> list[str]:
        """Keys of the allowed operators among ``operators`` (Operator objects)."""
        return [op.key for op in operators if self.allows(op)]


def standard_policies(home: str | None = None) -> list[Policy]:
    """The policies the brief names: all operators; no PRC suppliers (the NATO/US request); no SpaceX
    (Canada's ban for critical infrastructure); EU-sovereign; trusted allies (NATO and Five Eyes)."""
    out = [
        Policy("all-operators", description="every operator serving the territory"),
        Policy("no-prc", deny_jurisdictions=("CN",),
               description="no supplier under PRC jurisdiction (the US request to NATO allies)"),
        Policy("no-spacex", deny_operators=("starlink",),
               description="no SpaceX (Canada's exclusion of Starlink from federal contracts and critical infrastructure)"),
        Policy("eu-sovereign", allow_jurisdictions=("EU27",),
               description="only operators under EU jurisdiction (the aim of IRIS²)"),
        Policy("trusted-allies", allow_jurisdictions=("NATO", "FIVE_EYES", "EU27"),
               description="operators of NATO, Five Eyes and EU countries"),
    ]
    if home:
        out.append(Policy(f"{home.lower()}-only", allow_jurisdictions=(home,), land_in=(home,),
                          description=f"only operators under {home} jurisdiction, landing in {home}"))
    return out
