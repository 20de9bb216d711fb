"""Usage rules in a small, closed ODRL profile, read the same way whatever their JSON-LD form.

A policy says who may use a dataset (assignee), for which purposes (from
``knowledge/sharing/purposes.yaml``), in which time window, how many times it may be
transferred, whether only a protected copy may be handed out, and whether passing it on is
forbidden. Nothing else: any other rule, constraint, operator or action is refused when the
policy is read (:class:`PolicyRefused`, one German sentence), never silently ignored.

Every document is first expanded to one canonical JSON-LD form (pyld, with a document loader
that serves the Dataspace Protocol contexts shipped in ``knowledge/sharing/contexts`` and refuses
every other remote context), so compact, expanded and DSP-embedded policies evaluate the same.

API: ``parse_policy(doc) -> Policy``, ``policy_from_expanded(node) -> Policy`` (a node of an
already expanded DSP message), ``expand(doc)``, ``evaluate(policy, Request) -> Decision``,
``explain(policy, lang) -> list[str]``, ``build_policy(...)``, ``to_odrl(policy) -> dict``
(compact, DSP 2025-1 ``Offer``/``Agreement`` shape), ``find_purpose(text) -> Purpose``.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.i18n import t
from datensorgfalt.services.knowledge import load, loc, path_of

ODRL = "http://www.w3.org/ns/odrl/2/"
DSP_CONTEXT = "https://w3id.org/dspace/2025/1/context.jsonld"
DSP_ODRL_CONTEXT = "https://w3id.org/dspace/2025/1/odrl-profile.jsonld"
CONTEXT = [DSP_CONTEXT, DSP_ODRL_CONTEXT]
LOCAL_CONTEXTS = {DSP_CONTEXT: "sharing/contexts/dspace-2025-1.jsonld",
                  DSP_ODRL_CONTEXT: "sharing/contexts/dspace-2025-1-odrl-profile.jsonld"}
KINDS = ("Offer", "Agreement", "Set")
POLICY_KEYS = {"@id", "@type", ODRL + "permission", ODRL + "prohibition", ODRL + "target",
               ODRL + "assigner", ODRL + "assignee", ODRL + "profile", ODRL + "uid",
               "https://w3id.org/dspace/2025/1/timestamp"}
PERMISSION_KEYS = {"@id", "@type", ODRL + "action", ODRL + "assignee", ODRL + "constraint",
                   ODRL + "duty", ODRL + "target"}
CONSTRAINT_KEYS = {"@id", "@type", ODRL + "leftOperand", ODRL + "operator",
                   ODRL + "rightOperand"}
OPERATORS = {"purpose": {"eq", "isAnyOf"}, "dateTime": {"gteq", "gt", "lt", "lteq"},
             "count": {"lteq", "lt"}}


class PolicyRefused(DatensorgfaltError):
    """The document is not JSON-LD, or says something outside the closed profile."""


@dataclass(frozen=True)
class Purpose:
    id: str
    iri: str
    dpv: str | None
    label: dict[str, str]

    def name(self, lang: str | None = None) -> str:
        return loc(self.label, lang)


@dataclass(frozen=True)
class Bound:
    """One end of the time window; a date without time covers the whole day."""

    value: date | datetime
    inclusive: bool


@dataclass(frozen=True)
class Policy:
    kind: str = "Offer"
    uid: str | None = None
    target: str | None = None
    assigner: str | None = None
    assignees: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()  # purpose ids from knowledge/sharing/purposes.yaml
    starts: Bound | None = None
    ends: Bound | None = None
    max_transfers: int | None = None
    protected_only: bool = False
    no_passing_on: bool = False
    timestamp: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "uid": self.uid, "target": self.target,
                "assigner": self.assigner, "assignees": list(self.assignees),
                "purposes": list(self.purposes),
                "starts": _bound_dict(self.starts), "ends": _bound_dict(self.ends),
                "max_transfers": self.max_transfers, "protected_only": self.protected_only,
                "no_passing_on": self.no_passing_on}


@dataclass(frozen=True)
class Request:
    """What someone wants to do: ``action`` is ``use`` or ``distribute`` (pass on)."""

    assignee: str
    purpose: str
    date: date | datetime | None = None
    transfers_so_far: int = 0
    protected: bool = True
    action: str = "use"


@dataclass
class Decision:
    allowed: bool
    reasons: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"allowed": self.allowed, "reasons": self.reasons, "codes": self.codes}


# ---------------------------------------------------------------- purposes


@cache
def purposes() -> dict[str, Purpose]:
    entries = load("sharing/purposes")["purposes"]
    return {key: Purpose(key, value["iri"], value.get("dpv"), value["label"])
            for key, value in entries.items()}


def profile_iri() -> str:
    return load("sharing/purposes")["profile"]


def find_purpose(text: str) -> Purpose:
    """The purpose named by its short form, IRI, DPV term or German/English label."""
    wanted = _fold(text)
    for purpose in purposes().values():
        names = {purpose.id, purpose.iri, purpose.dpv or "", *purpose.label.values()}
        if wanted in {_fold(name) for name in names if name}:
            return purpose
    raise PolicyRefused("sharing.policy.error.unknown_purpose", purpose=text,
                        known=", ".join(p.name() for p in purposes().values()))


def _fold(text: str) -> str:
    return str(text).strip().casefold().replace("-", "_").replace(" ", "_")


# ---------------------------------------------------------------- reading


def parse_policy(doc: Any) -> Policy:
    """A policy (JSON text, compact or expanded JSON-LD) in the closed profile, or
    ``PolicyRefused`` naming the first thing outside it."""
    nodes = expand(doc)
    policies = [node for node in nodes if _types(node) & {ODRL + kind for kind in KINDS}]
    if len(nodes) != 1 or len(policies) != 1:
        raise PolicyRefused("sharing.policy.error.not_one_policy", n=len(policies))
    return policy_from_expanded(policies[0])


def expand(doc: Any) -> list[dict[str, Any]]:
    """``doc`` in expanded JSON-LD; a document without ``@context`` gets the DSP contexts."""
    from pyld import jsonld

    if isinstance(doc, bytes | str):
        try:
            doc = json.loads(doc)
        except ValueError as exc:
            raise PolicyRefused("sharing.policy.error.not_json", reason=str(exc)) from exc
    if isinstance(doc, dict):
        context = doc.get("@context", CONTEXT)
        if isinstance(context, str):
            raise PolicyRefused("sharing.policy.error.context_string", context=context)
        if isinstance(context, list) and DSP_CONTEXT in context and DSP_ODRL_CONTEXT not in context:
            context = [*context, DSP_ODRL_CONTEXT]  # the DSP context scopes ODRL terms to messages
        doc = {**doc, "@context": context}
    elif not isinstance(doc, list):
        raise PolicyRefused("sharing.policy.error.not_object")
    try:
        return jsonld.expand(doc, {"documentLoader": _load_context, "base": None})
    except PolicyRefused:
        raise
    except Exception as exc:  # pyld raises its own error types, often wrapping ours
        refused = _cause(exc)
        if refused is not None:
            raise refused from exc
        raise PolicyRefused("sharing.policy.error.invalid_jsonld",
                            reason=_first_line(exc)) from exc


def _cause(exc: BaseException | None) -> PolicyRefused | None:
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, PolicyRefused):
            return exc
        details = getattr(exc, "details", None) or {}
        nested = details.get("cause") if isinstance(details, dict) else None
        exc = nested if isinstance(nested, BaseException) else exc.__cause__ or exc.__context__
        seen += 1
    return None


def _first_line(exc: BaseException) -> str:
    while isinstance(getattr(exc, "cause", None), BaseException):
        exc = exc.cause
    text = str(exc.args[0] if exc.args else exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _load_context(url: str, options: Any = None) -> dict[str, Any]:
    name = LOCAL_CONTEXTS.get(url.replace("http://", "https://", 1))
    if name is None:
        raise PolicyRefused("sharing.policy.error.remote_context", context=url)
    return {"contextUrl": None, "documentUrl": url, "contentType": "application/ld+json",
            "document": _context_document(name)}


@cache
def _context_document(name: str) -> dict[str, Any]:
    return json.loads(path_of(name).read_text("utf-8"))


def policy_from_expanded(node: dict[str, Any]) -> Policy:
    """A policy from one expanded JSON-LD node (for example the ``dspace:offer`` of a message)."""
    _only(node, POLICY_KEYS, "sharing.policy.error.unknown_policy_key")
    kinds = [kind for kind in KINDS if ODRL + kind in _types(node)]
    if not kinds:
        raise PolicyRefused("sharing.policy.error.not_one_policy", n=0)
    permissions = node.get(ODRL + "permission", [])
    if len(permissions) != 1:
        raise PolicyRefused("sharing.policy.error.one_permission", n=len(permissions))
    policy = Policy(kind=kinds[0], uid=node.get("@id"), target=_id(node, "target"),
                    assigner=_id(node, "assigner"), assignees=_ids(node, "assignee"),
                    timestamp=_value(node, "https://w3id.org/dspace/2025/1/timestamp"))
    policy = _permission(policy, permissions[0])
    for prohibition in node.get(ODRL + "prohibition", []):
        policy = _prohibition(policy, prohibition)
    if not policy.purposes:
        raise PolicyRefused("sharing.policy.error.no_purpose")
    return policy


def _permission(policy: Policy, rule: dict[str, Any]) -> Policy:
    _only(rule, PERMISSION_KEYS, "sharing.policy.error.unknown_rule_key")
    if _actions(rule) != ["use"]:
        raise PolicyRefused("sharing.policy.error.action", action=", ".join(_actions(rule)))
    if (target := _id(rule, "target")) and policy.target and target != policy.target:
        raise PolicyRefused("sharing.policy.error.two_targets")
    assignees = tuple(dict.fromkeys(policy.assignees + _ids(rule, "assignee")))
    policy = replace(policy, assignees=assignees, target=policy.target or target)
    for constraint in rule.get(ODRL + "constraint", []):
        policy = _constraint(policy, constraint)
    for duty in rule.get(ODRL + "duty", []):
        _only(duty, {"@id", "@type", ODRL + "action"}, "sharing.policy.error.unknown_rule_key")
        if _actions(duty) != ["anonymize"]:
            raise PolicyRefused("sharing.policy.error.duty", action=", ".join(_actions(duty)))
        policy = replace(policy, protected_only=True)
    return policy


def _prohibition(policy: Policy, rule: dict[str, Any]) -> Policy:
    _only(rule, {"@id", "@type", ODRL + "action"}, "sharing.policy.error.unknown_rule_key")
    if _actions(rule) != ["distribute"]:
        raise PolicyRefused("sharing.policy.error.prohibition",
                            action=", ".join(_actions(rule)))
    return replace(policy, no_passing_on=True)


def _constraint(policy: Policy, node: dict[str, Any]) -> Policy:
    logical = [key for key in node if key.removeprefix(ODRL) in {"and", "or", "xone",
                                                                  "andSequence"}]
    if logical:
        raise PolicyRefused("sharing.policy.error.logical", operator=logical[0].removeprefix(ODRL))
    _only(node, CONSTRAINT_KEYS, "sharing.policy.error.unknown_constraint_key")
    left = _vocab(node, "leftOperand")
    operator = _vocab(node, "operator")
    if left not in OPERATORS:
        raise PolicyRefused("sharing.policy.error.left_operand", operand=left)
    if operator not in OPERATORS[left]:
        raise PolicyRefused("sharing.policy.error.operator", operator=operator, operand=left,
                            allowed=", ".join(sorted(OPERATORS[left])))
    values = [entry.get("@id", entry.get("@value")) for entry in node.get(ODRL + "rightOperand", [])
              if isinstance(entry, dict)]
    if not values or any(value is None or isinstance(value, list | dict) for value in values):
        raise PolicyRefused("sharing.policy.error.right_operand", operand=left)
    if left == "purpose":
        if operator == "eq" and len(values) != 1:
            raise PolicyRefused("sharing.policy.error.right_operand", operand=left)
        found = tuple(find_purpose(str(value)).id for value in values)
        if policy.purposes:
            raise PolicyRefused("sharing.policy.error.twice", operand=left)
        return replace(policy, purposes=found)
    if len(values) != 1:
        raise PolicyRefused("sharing.policy.error.right_operand", operand=left)
    if left == "count":
        return _count(policy, operator, values[0])
    return _window(policy, operator, values[0])


def _count(policy: Policy, operator: str, value: Any) -> Policy:
    try:
        number = int(str(value))
    except ValueError as exc:
        raise PolicyRefused("sharing.policy.error.count", value=value) from exc
    limit = number if operator == "lteq" else number - 1
    if limit < 0 or isinstance(value, bool):
        raise PolicyRefused("sharing.policy.error.count", value=value)
    if policy.max_transfers is not None:
        raise PolicyRefused("sharing.policy.error.twice", operand="count")
    return replace(policy, max_transfers=limit)


def _window(policy: Policy, operator: str, value: Any) -> Policy:
    bound = Bound(parse_when(str(value)), inclusive=operator in {"gteq", "lteq"})
    if operator in {"gt", "gteq"}:
        if policy.starts is not None:
            raise PolicyRefused("sharing.policy.error.twice", operand="dateTime")
        return replace(policy, starts=bound)
    if policy.ends is not None:
        raise PolicyRefused("sharing.policy.error.twice", operand="dateTime")
    return replace(policy, ends=bound)


def parse_when(text: str) -> date | datetime:
    """``2026-12-31`` (a whole day) or an ISO date and time (UTC when no zone is given)."""
    text = text.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise PolicyRefused("sharing.policy.error.date", value=text) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _only(node: dict[str, Any], allowed: set[str], key: str) -> None:
    for name in node:
        if name not in allowed:
            raise PolicyRefused(key, name=name.removeprefix(ODRL))


def _types(node: dict[str, Any]) -> set[str]:
    return set(node.get("@type", []))


def _vocab(node: dict[str, Any], name: str) -> str:
    """An ODRL term: ``odrl:purpose`` and a bare ``purpose`` (DSP context) both give ``purpose``."""
    entries = node.get(ODRL + name, [])
    if len(entries) != 1 or "@id" not in entries[0]:
        raise PolicyRefused("sharing.policy.error.missing", name=name)
    return entries[0]["@id"].removeprefix(ODRL)


def _actions(rule: dict[str, Any]) -> list[str]:
    actions = rule.get(ODRL + "action", [])
    if not actions:
        raise PolicyRefused("sharing.policy.error.missing", name="action")
    if any("@id" not in action for action in actions):
        raise PolicyRefused("sharing.policy.error.unknown_rule_key", name="action (refinement)")
    return [action["@id"].removeprefix(ODRL) for action in actions]


def _id(node: dict[str, Any], name: str) -> str | None:
    found = _ids(node, name)
    if len(found) > 1:
        raise PolicyRefused("sharing.policy.error.twice", operand=name)
    return found[0] if found else None


def _ids(node: dict[str, Any], name: str) -> tuple[str, ...]:
    out = []
    for entry in node.get(ODRL + name, []):
        value = entry.get("@id", entry.get("@value")) if isinstance(entry, dict) else None
        if not isinstance(value, str):
            raise PolicyRefused("sharing.policy.error.missing", name=name)
        out.append(value)
    return tuple(out)


def _value(node: dict[str, Any], key: str) -> str | None:
    entries = node.get(key, [])
    return str(entries[0].get("@value")) if entries else None


# ---------------------------------------------------------------- deciding


def evaluate(policy: Policy, request: Request) -> Decision:
    """Whether ``request`` is allowed; every unmet condition gives one reason."""
    denied: list[tuple[str, dict[str, Any]]] = []
    if request.action == "distribute" and policy.no_passing_on:
        denied.append(("passing_on", {}))
    elif request.action not in {"use", "distribute"}:
        denied.append(("action", {"action": request.action}))
    if policy.assignees and request.assignee not in policy.assignees:
        denied.append(("assignee", {"assignee": request.assignee}))
    denied += _purpose_check(policy, request.purpose)
    denied += _date_check(policy, request.date or datetime.now(UTC))
    if policy.max_transfers is not None and request.transfers_so_far >= policy.max_transfers:
        denied.append(("count", {"max": policy.max_transfers, "done": request.transfers_so_far}))
    if policy.protected_only and not request.protected:
        denied.append(("protected", {}))
    if denied:
        return Decision(False, [t(f"sharing.policy.deny.{code}", **values)
                                for code, values in denied], [code for code, _ in denied])
    return Decision(True, [t("sharing.policy.allow")], [])


def _purpose_check(policy: Policy, purpose: str) -> list[tuple[str, dict[str, Any]]]:
    try:
        wanted = find_purpose(purpose).id
    except PolicyRefused:
        wanted = None
    if wanted in policy.purposes:
        return []
    names = ", ".join(purposes()[key].name() for key in policy.purposes)
    return [("purpose", {"purpose": purpose, "allowed": names})]


def _date_check(policy: Policy, when: date | datetime) -> list[tuple[str, dict[str, Any]]]:
    out = []
    if policy.starts and not _after_start(policy.starts, when):
        out.append(("not_yet", {"start": _show(policy.starts.value)}))
    if policy.ends and not _before_end(policy.ends, when):
        out.append(("expired", {"end": _show(policy.ends.value)}))
    return out


def _after_start(bound: Bound, when: date | datetime) -> bool:
    left, right = _comparable(when, bound.value)
    return left >= right if bound.inclusive else left > right


def _before_end(bound: Bound, when: date | datetime) -> bool:
    left, right = _comparable(when, bound.value)
    return left <= right if bound.inclusive else left < right


def _comparable(when: date | datetime, bound: date | datetime) -> tuple[Any, Any]:
    """A whole-day bound compares days; a moment compares moments (a bare day is its start)."""
    if not isinstance(bound, datetime):
        return (when.date() if isinstance(when, datetime) else when), bound
    if not isinstance(when, datetime):
        when = datetime.combine(when, time(), UTC)
    return (when if when.tzinfo else when.replace(tzinfo=UTC)), bound


def _show(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M UTC")
    return value.strftime("%d.%m.%Y")


def _bound_dict(bound: Bound | None) -> dict[str, Any] | None:
    return None if bound is None else {"value": bound.value.isoformat(),
                                       "inclusive": bound.inclusive}


# ---------------------------------------------------------------- explaining and writing


def explain(policy: Policy, lang: str | None = None) -> list[str]:
    """What the policy allows and forbids, one plain sentence each."""
    def say(key: str, **values: Any) -> str:
        return t(f"sharing.policy.explain.{key}", lang, **values)

    names = ", ".join(purposes()[key].name(lang) for key in policy.purposes)
    lines = [say("who", who=", ".join(policy.assignees)) if policy.assignees else say("anyone"),
             say("purposes", purposes=names)]
    if policy.starts:
        key = "from" if policy.starts.inclusive else "after"
        lines.append(say(key, when=_show(policy.starts.value)))
    lines.append(say("until" if policy.ends.inclusive else "before", when=_show(policy.ends.value))
                 if policy.ends else say("no_end"))
    lines.append(say("count", n=policy.max_transfers) if policy.max_transfers is not None
                 else say("no_count"))
    lines.append(say("protected") if policy.protected_only else say("any_copy"))
    lines.append(say("no_passing_on") if policy.no_passing_on else say("passing_on"))
    lines.append(say("other_purposes"))
    return lines


def build_policy(purpose: str | list[str], *, assignee: str | None = None,
                 until: date | datetime | str | None = None,
                 start: date | datetime | str | None = None,
                 max_transfers: int | None = None, protected_only: bool = False,
                 no_passing_on: bool = True, target: str | None = None,
                 assigner: str | None = None, uid: str | None = None,
                 kind: str = "Offer") -> Policy:
    """A policy for an offer; purposes may be given by short form, label or IRI."""
    names = [purpose] if isinstance(purpose, str) else list(purpose)
    found = tuple(dict.fromkeys(find_purpose(name).id for name in names))
    if not found:
        raise PolicyRefused("sharing.policy.error.no_purpose")
    if max_transfers is not None and max_transfers < 0:
        raise PolicyRefused("sharing.policy.error.count", value=max_transfers)
    return Policy(kind=kind, uid=uid or f"urn:uuid:{uuid.uuid4()}", target=target,
                  assigner=assigner,
                  assignees=(assignee,) if assignee else (), purposes=found,
                  starts=_bound(start), ends=_bound(until), max_transfers=max_transfers,
                  protected_only=protected_only, no_passing_on=no_passing_on)


def refuse_past(until: date | datetime | str | None) -> None:
    """Refuse an end date before today (a date) or before now (a time): such a policy could
    never be used, so it is an error at offer or pack time, not a silent dead offer."""
    if until is None:
        return
    when = parse_when(until) if isinstance(until, str) else until
    past = when < datetime.now(UTC) if isinstance(when, datetime) else when < date.today()
    if past:
        raise PolicyRefused("sharing.policy.error.past", until=str(until))


def _bound(value: date | datetime | str | None) -> Bound | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_when(value)
    return Bound(value, inclusive=True)


def to_odrl(policy: Policy, *, context: bool = True) -> dict[str, Any]:
    """Compact JSON-LD in the DSP 2025-1 shape (``context=False`` inside a DSP message).

    An ``Offer`` carries its assignee on the permission (DSP catalog offers have no
    target/assignee of their own); an ``Agreement`` carries target, assigner and assignee."""
    permission: dict[str, Any] = {"action": "use", "constraint": _constraints(policy)}
    if policy.protected_only:
        permission["duty"] = [{"action": "anonymize"}]
    doc: dict[str, Any] = {"@context": CONTEXT} if context else {}
    doc |= {"@id": policy.uid or "urn:uuid:policy", "@type": policy.kind,
            "profile": profile_iri()}
    if policy.kind == "Agreement":
        doc |= {key: value for key, value in (("target", policy.target),
                                              ("assigner", policy.assigner),
                                              ("assignee", _one(policy.assignees)),
                                              ("timestamp", policy.timestamp)) if value}
    else:
        if policy.target and policy.kind != "Offer":
            doc["target"] = policy.target
        if policy.assignees:
            permission["assignee"] = _one(policy.assignees)
    doc["permission"] = [permission]
    if policy.no_passing_on:
        doc["prohibition"] = [{"action": "distribute"}]
    return doc


def _one(values: tuple[str, ...]) -> str | list[str] | None:
    if not values:
        return None
    return values[0] if len(values) == 1 else list(values)


def _constraints(policy: Policy) -> list[dict[str, Any]]:
    iris = [purposes()[key].iri for key in policy.purposes]
    out: list[dict[str, Any]] = [
        {"leftOperand": "purpose", "operator": "eq", "rightOperand": iris[0]} if len(iris) == 1
        else {"leftOperand": "purpose", "operator": "isAnyOf", "rightOperand": iris}]
    for bound, ops in ((policy.starts, ("gteq", "gt")), (policy.ends, ("lteq", "lt"))):
        if bound is not None:
            out.append({"leftOperand": "dateTime", "operator": ops[0 if bound.inclusive else 1],
                        "rightOperand": bound.value.isoformat()})
    if policy.max_transfers is not None:
        out.append({"leftOperand": "count", "operator": "lteq",
                    "rightOperand": str(policy.max_transfers)})
    return out


def read_policy_file(path: Path) -> Policy:
    """The policy in a JSON(-LD) file; an unreadable file is one sentence too."""
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyRefused("sharing.policy.error.unreadable", path=str(path),
                            reason=getattr(exc, "strerror", None) or str(exc)) from exc
    return parse_policy(text)
