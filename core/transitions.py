"""One transition machinery for every state field (STYLE practice 1).

A `Workflow` declares, once, the moves of one model's state field: for each move the states it may
start from, the state(s) it leads to (none for a recorded fact that changes no state), who may make it
and what else the record must satisfy. Everything else is derived from that table: the buttons a user
is offered (`allowed`), the refusal of any other move (`begin`), and the diagram in docs/states.md
(`python manage.py statecharts`).

A service makes a move in one block:

    with APPLICATION_FLOW.begin(application, "refuse", by=user, request=request) as move:
        application = move.obj                    # re-read under a row lock; state, actor and rule checked
        application.decision_reason = reason      # the service's own work and validation
        move.done(note=reason, fields=["decision_reason"])   # new state, save(update_fields), audit row

`begin` opens the transaction; a ValidationError raised inside rolls everything back. Leaving the block
without `done()` is a programming error and is refused, so no move goes unaudited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest

from audit.models import AuditAction
from audit.services import record

Rule = Callable[[Any, Any], bool]  # (user, record) → may this user make the move on this record?
Condition = Callable[[Any], str | None]  # record → a Chinese refusal, or None when the move may be made


class TransitionError(Exception):
    """An illegal move; the message is Chinese and shown to the user as it is."""


def required[T](value: T | None, missing: str) -> T:
    """A value the state guarantees (a refused application's decision date, an assigned case's
    handler). Raises TransitionError(`missing`) when the record says otherwise."""
    if value is None:
        raise TransitionError(missing)
    return value


def system_only(user: Any, obj: Any) -> bool:
    """A move that no person makes: a scheduled job (e.g. 视为撤回 when the 补正 period runs out)."""
    return user is None


def consequence(user: Any, obj: Any) -> bool:
    """A move made as the consequence of another that its actor was allowed to make (a subsidy is
    recomputed when a peer-review grade settles): whoever made that one makes this one."""
    return True


@dataclass(frozen=True)
class Move:
    """One row of a workflow's table."""

    label: str  # what the button and the diagram say
    sources: frozenset[str]
    # The state the move leads to; several when the service chooses (a peer review may settle the grade
    # or call for two more reviewers); None when the move records something and the state stays.
    targets: tuple[str, ...] = ()
    who: Rule = system_only
    when: Condition | None = None
    # A move that cannot be taken back asks first: the question the confirmation step puts to the user
    # (`core.views.post_move`); empty for a move that is made at once.
    confirm: str = ""

    def __init__(
        self,
        label: str,
        *,
        sources: Iterable[str],
        to: str | Iterable[str] | None = None,
        who: Rule = system_only,
        when: Condition | None = None,
        confirm: str = "",
    ) -> None:
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "sources", frozenset(str(source) for source in sources))
        targets = () if to is None else (str(to),) if isinstance(to, str) else tuple(str(t) for t in to)
        object.__setattr__(self, "targets", targets)
        object.__setattr__(self, "who", who)
        object.__setattr__(self, "when", when)
        object.__setattr__(self, "confirm", confirm)

    @property
    def changes_state(self) -> bool:
        return bool(self.targets)


@dataclass
class MoveInProgress[M: models.Model]:
    """The open move `begin` yields: the locked record, and `done` to finish it."""

    workflow: Workflow[M]
    name: str
    obj: M
    by: Any
    request: HttpRequest | None
    finished: bool = field(default=False, init=False)

    def done(
        self,
        *,
        to: str | None = None,
        fields: Iterable[str] = (),
        note: str = "",
        change: tuple[str, str] | None = None,
        action: AuditAction | None = None,
    ) -> None:
        """Enter the move's target state (`to` picks one when the move has several), save the state
        field and `fields` with update_fields, and write the audit row, all in the open transaction.
        `change` is the (before, after) the audit row shows for a move that changes no state (the
        responsible office, the handler, the seal)."""
        self.workflow._finish(self, to=to, fields=list(fields), note=note, change=change, action=action)
        self.finished = True


class Workflow[M: models.Model]:
    """The allowed moves of one model's state field, and the helper that makes them."""

    registry: ClassVar[dict[str, Workflow[Any]]] = {}

    def __init__(
        self,
        name: str,
        *,
        model: type[M],
        field: str,
        states: type[models.TextChoices],
        initial: str,
        moves: dict[str, Move],
        subject: str,
        lock_related: tuple[str, ...] = (),
    ) -> None:
        """`subject` names the record in refusals (申请, 案件 …); `lock_related` are the relations to load
        with the locked row."""
        unknown = {s for move in moves.values() for s in (*move.sources, *move.targets)} - set(states.values)
        if unknown:
            raise ValueError(f"{name}: unknown states {sorted(unknown)}")
        self.name = name
        self.model = model
        self.field = field
        self.states = states
        self.initial = str(initial)
        self.moves = moves
        self.subject = subject
        self.lock_related = lock_related
        Workflow.registry[name] = self

    def __repr__(self) -> str:
        return f"<Workflow {self.name}>"

    # --- reading the table -----------------------------------------------------------------------
    def state_of(self, obj: M) -> str:
        return str(getattr(obj, self.field))

    def state_label(self, state: str) -> str:
        return str(self.states(state).label)

    def refusal(self, obj: M, name: str, user: Any) -> Exception | None:
        """What refuses `user` the move `name` on `obj` now (a TransitionError for the state or the
        record, PermissionDenied for the actor), or None. The state is judged first, so an illegal move
        is refused the same way for everyone."""
        move = self.moves[name]
        state = self.state_of(obj)
        if state not in move.sources:
            return TransitionError(f"{self.subject}当前状态为“{self.state_label(state)}”，不能进行此操作。")
        if not move.who(user, obj):
            return PermissionDenied(f"您无权对该{self.subject}进行此操作。")
        reason = move.when(obj) if move.when is not None else None
        return TransitionError(reason) if reason else None

    def may(self, user: Any, obj: M, name: str) -> bool:
        return self.refusal(obj, name, user) is None

    def allowed(self, user: Any, obj: M) -> set[str]:
        """The moves to offer `user` on `obj` (templates never test roles or states themselves)."""
        return {name for name in self.moves if self.may(user, obj, name)}

    # --- making a move ---------------------------------------------------------------------------
    def lock(self, obj: M) -> M:
        # OF self: PostgreSQL cannot lock the nullable side of an outer join (the case's handler).
        queryset = self.model._default_manager.select_for_update(of=("self",))
        if self.lock_related:
            queryset = queryset.select_related(*self.lock_related)
        return queryset.get(pk=obj.pk)

    def check(self, obj: M, name: str, user: Any) -> None:
        refusal = self.refusal(obj, name, user)
        if refusal is not None:
            raise refusal

    @contextmanager
    def begin(self, obj: M, name: str, *, by: Any, request: HttpRequest | None = None) -> Iterator[MoveInProgress[M]]:
        """Open the transaction, re-read `obj` under a row lock and check the move; yield it to the
        service, which finishes it with `done()`."""
        with transaction.atomic():
            locked = self.lock(obj)
            self.check(locked, name, by)
            move = MoveInProgress(self, name, locked, by, request)
            yield move
            if not move.finished:
                raise RuntimeError(f"{self.name}.{name}: the service left the move without done()")

    def _finish(
        self,
        move: MoveInProgress[M],
        *,
        to: str | None,
        fields: list[str],
        note: str,
        change: tuple[str, str] | None,
        action: AuditAction | None,
    ) -> None:
        spec = self.moves[move.name]
        obj = move.obj
        before = self.state_of(obj)
        target = self._target(spec, move.name, to)
        if target is not None and target != before:
            setattr(obj, self.field, target)
            fields = [self.field, *fields]
        if fields:
            obj.save(update_fields=list(dict.fromkeys(fields)))
        if target is not None and target != before:
            change = (self.state_label(before), self.state_label(target))
            action = action or AuditAction.STATE_CHANGE
        record(
            action or AuditAction.UPDATE,
            actor=move.by,
            request=move.request,
            obj=obj,
            from_state=change[0] if change else "",
            to_state=change[1] if change else "",
            note=note or spec.label,
        )

    def _target(self, spec: Move, name: str, to: str | None) -> str | None:
        if to is None:
            if len(spec.targets) > 1:
                raise ValueError(f"{self.name}.{name}: say which of {spec.targets} the move leads to")
            return spec.targets[0] if spec.targets else None
        if str(to) not in spec.targets:
            raise ValueError(f"{self.name}.{name} cannot lead to {to}")
        return str(to)

    # --- the diagram -------------------------------------------------------------------------------
    def mermaid(self) -> str:
        """The table as a Mermaid state diagram, with the moves that change no state listed below."""
        lines = ["stateDiagram-v2"]
        lines += [f'    state "{state.label}" as {state.value}' for state in self.states]
        lines.append(f"    [*] --> {self.initial}")
        leaving: set[str] = set()
        for move in self.moves.values():
            for source in sorted(move.sources):
                for target in move.targets:
                    lines.append(f"    {source} --> {target}: {move.label}")
                    leaving.add(source)
        reached = {self.initial} | {t for move in self.moves.values() for t in move.targets}
        lines += [f"    {state} --> [*]" for state in self.states.values if state in reached and state not in leaving]
        return "\n".join(lines)


def autodiscover() -> dict[str, Workflow[Any]]:
    """Import every installed app's `workflows` module, so that the registry holds every table."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("workflows")
    return Workflow.registry
