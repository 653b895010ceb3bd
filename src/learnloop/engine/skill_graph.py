"""The objective graph: prerequisites as a directed acyclic graph, and what follows from it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property

__all__ = ["SkillGraph", "find_cycle"]


def find_cycle(prerequisites: Mapping[str, Sequence[str]]) -> list[str] | None:
    """A prerequisite cycle as a path ``[a, b, ..., a]``, or None when the graph is acyclic.

    Keys missing from the mapping are taken to have no prerequisites.
    """
    white, grey, black = 0, 1, 2
    colour: dict[str, int] = {}
    for root in prerequisites:
        if colour.get(root, white) != white:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = []
        while stack:
            node, i = stack.pop()
            if i == 0:
                colour[node] = grey
                path.append(node)
            children = list(prerequisites.get(node, ()))
            if i < len(children):
                stack.append((node, i + 1))
                child = children[i]
                state = colour.get(child, white)
                if state == grey:
                    return [*path[path.index(child) :], child]
                if state == white:
                    stack.append((child, 0))
            else:
                colour[node] = black
                path.pop()
    return None


class SkillGraph:
    """Objectives and their prerequisites; raises ValueError on unknown keys or a cycle."""

    def __init__(self, prerequisites: Mapping[str, Sequence[str]]) -> None:
        self._prereqs: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in prerequisites.items()}
        for key, reqs in self._prereqs.items():
            for r in reqs:
                if r not in self._prereqs:
                    raise ValueError(f"objective {key!r} requires unknown objective {r!r}")
        cycle = find_cycle(self._prereqs)
        if cycle:
            raise ValueError("prerequisite cycle: " + " -> ".join(cycle))

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self._prereqs)

    def prerequisites(self, key: str) -> tuple[str, ...]:
        return self._prereqs[key]

    @cached_property
    def dependents(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {k: [] for k in self._prereqs}
        for key, reqs in self._prereqs.items():
            for r in reqs:
                out[r].append(key)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def topological_order(self) -> tuple[str, ...]:
        """Every objective after all its prerequisites; ties keep the declared order."""
        done: set[str] = set()
        order: list[str] = []
        while len(order) < len(self._prereqs):
            for key, reqs in self._prereqs.items():
                if key not in done and all(r in done for r in reqs):
                    order.append(key)
                    done.add(key)
        return tuple(order)

    @cached_property
    def depth(self) -> dict[str, int]:
        """Length of the longest prerequisite chain below each objective (0 for a root)."""
        depth: dict[str, int] = {}
        for key in self.topological_order:
            depth[key] = 1 + max((depth[r] for r in self._prereqs[key]), default=-1)
        return depth

    def ancestors(self, key: str) -> set[str]:
        """Every objective that must be mastered, directly or not, before ``key``."""
        seen: set[str] = set()
        stack = list(self._prereqs[key])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(self._prereqs[node])
        return seen

    def missing_prerequisites(self, key: str, mastered: Iterable[str]) -> tuple[str, ...]:
        done = set(mastered)
        return tuple(r for r in self._prereqs[key] if r not in done)

    def is_unlocked(self, key: str, mastered: Iterable[str]) -> bool:
        return not self.missing_prerequisites(key, mastered)

    def ready(self, mastered: Iterable[str]) -> tuple[str, ...]:
        """Objectives not yet mastered whose prerequisites all are, in topological order."""
        done = set(mastered)
        return tuple(
            k
            for k in self.topological_order
            if k not in done and all(r in done for r in self._prereqs[k])
        )

    def path_to(self, goal: str, mastered: Iterable[str]) -> tuple[str, ...]:
        """What is left to master on the way to ``goal`` (goal last), in topological order."""
        done = set(mastered)
        needed = (self.ancestors(goal) | {goal}) - done
        return tuple(k for k in self.topological_order if k in needed)
