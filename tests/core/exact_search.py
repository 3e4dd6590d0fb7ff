"""What a reader can work out from published figures, found by exhaustive integer search.

Written for the tests and independently of ``followup.lib.disclosure``: it shares no code and
no reasoning with the suppression rules. A ``System`` holds unknowns (whole numbers between a
lower and an optional upper bound) and equations (a sum of unknowns, each counted +1 or -1,
plus known numbers, equals a known number). ``ranges()`` returns, for every unknown, the smallest
and largest value it takes in any whole-number solution, found by depth-first search over values
with interval propagation: each candidate value is tried for real, so the answer is exact.

An unknown with no upper bound is searched up to a cap far above every number in the system
(twice their sum, plus 10); reaching the cap reports it as unbounded (``None``). For equations
with coefficients of +1 and -1, any bounded unknown's largest value lies below that cap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.coverage_pause import paused

Term = tuple[int, int]  # (unknown, coefficient +1 or -1)


@dataclass
class System:
    lows: list[int] = field(default_factory=list)
    highs: list[int | None] = field(default_factory=list)
    equations: list[tuple[list[Term], int]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    def unknown(self, low: int, high: int | None, name: str = "") -> int:
        assert high is None or high >= low, (name, low, high)
        self.lows.append(low)
        self.highs.append(high)
        self.names.append(name)
        return len(self.lows) - 1

    def equal(self, terms: list[Term], value: int) -> None:
        """sum(coefficient * unknown) == value."""
        self.equations.append((terms, value))

    def cap(self) -> int:
        known = sum(abs(v) for _, v in self.equations)
        known += sum(abs(h) for h in self.highs if h is not None) + sum(abs(v) for v in self.lows)
        return 2 * known + 10

    def ranges(self) -> list[tuple[int, int | None]]:
        """(smallest, largest or None when unbounded) of every unknown; raises if no solution.

        Unknowns that share no equation are independent, so each connected group of them is
        searched on its own (exact: a solution of the whole is a solution of each group, and
        solutions of the groups together solve the whole).

        The search is the tests' own code, not Followup's, so coverage is paused while it runs:
        the tracer's call on each of its many small function calls made it about twice as slow."""
        with paused():
            return self._ranges()

    def _ranges(self) -> list[tuple[int, int | None]]:
        cap = self.cap()
        found: list[tuple[int, int | None]] = [(0, None)] * len(self.lows)
        for members, equations in self._groups():
            index = {v: k for k, v in enumerate(members)}
            local = [([(index[v], c) for v, c in terms], value) for terms, value in equations]
            start = [(self.lows[v], _or(self.highs[v], cap)) for v in members]
            domains = _propagate(start, local)
            if domains is None or _solve(domains, local) is None:
                raise ValueError("The published figures admit no solution.")
            for k, v in enumerate(members):
                lo, hi = domains[k]
                smallest = next(x for x in range(lo, hi + 1) if _feasible(domains, local, k, x))
                largest = next(
                    x for x in range(hi, smallest - 1, -1) if _feasible(domains, local, k, x)
                )
                found[v] = (smallest, None if largest >= cap else largest)
        return found

    def _groups(self) -> list[tuple[list[int], list[tuple[list[Term], int]]]]:
        parent = list(range(len(self.lows)))

        def root(v: int) -> int:
            while parent[v] != v:
                parent[v] = parent[parent[v]]
                v = parent[v]
            return v

        for terms, _ in self.equations:
            for v, _ in terms[1:]:
                parent[root(v)] = root(terms[0][0])
        members: dict[int, list[int]] = {}
        for v in range(len(self.lows)):
            members.setdefault(root(v), []).append(v)
        equations: dict[int, list[tuple[list[Term], int]]] = {}
        for terms, value in self.equations:
            if terms:
                equations.setdefault(root(terms[0][0]), []).append((terms, value))
            elif value != 0:
                raise ValueError("The published figures admit no solution.")
        return [(group, equations.get(key, [])) for key, group in members.items()]


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _feasible(
    domains: list[tuple[int, int]], equations: list[tuple[list[Term], int]], i: int, value: int
) -> bool:
    fixed = list(domains)
    fixed[i] = (value, value)
    narrowed = _propagate(fixed, equations)
    return narrowed is not None and _solve(narrowed, equations) is not None


def _propagate(
    domains: list[tuple[int, int]], equations: list[tuple[list[Term], int]]
) -> list[tuple[int, int]] | None:
    """Narrow every domain by every equation until nothing changes; None if one empties."""
    current = list(domains)
    changed = True
    while changed:
        changed = False
        for terms, value in equations:
            low_sum = sum(c * current[v][0] if c > 0 else c * current[v][1] for v, c in terms)
            high_sum = sum(c * current[v][1] if c > 0 else c * current[v][0] for v, c in terms)
            if low_sum > value or high_sum < value:
                return None
            for v, c in terms:
                lo, hi = current[v]
                own_low = c * lo if c > 0 else c * hi
                own_high = c * hi if c > 0 else c * lo
                # c * x must lie in [value - (high_sum - own_high), value - (low_sum - own_low)]
                least = value - (high_sum - own_high)
                most = value - (low_sum - own_low)
                if c > 0:
                    new = (max(lo, least), min(hi, most))
                else:
                    new = (max(lo, -most), min(hi, -least))
                if new[0] > new[1]:
                    return None
                if new != (lo, hi):
                    current[v] = new
                    changed = True
                    low_sum = sum(
                        c2 * current[v2][0] if c2 > 0 else c2 * current[v2][1] for v2, c2 in terms
                    )
                    high_sum = sum(
                        c2 * current[v2][1] if c2 > 0 else c2 * current[v2][0] for v2, c2 in terms
                    )
    return current


def _solve(
    domains: list[tuple[int, int]], equations: list[tuple[list[Term], int]]
) -> list[int] | None:
    """Any whole-number solution within the domains, by trying values one unknown at a time."""
    open_ = [i for i, (lo, hi) in enumerate(domains) if lo < hi]
    if not open_:
        values = [lo for lo, _ in domains]
        ok = all(sum(c * values[v] for v, c in terms) == value for terms, value in equations)
        return values if ok else None
    i = min(open_, key=lambda k: domains[k][1] - domains[k][0])
    lo, hi = domains[i]
    for value in range(lo, hi + 1):
        trial = list(domains)
        trial[i] = (value, value)
        narrowed = _propagate(trial, equations)
        if narrowed is not None:
            solution = _solve(narrowed, equations)
            if solution is not None:
                return solution
    return None
