"""No import circles among the engine's and the window's modules (issue 12's house rules).

A circle means neither module can be read, tested or moved without the other; the fix is to move the piece
both need into a small module both import (engine/cli_flags.py, engine/data/reading.py, gui/step_axis.py).
Imports inside functions count too: they are still a dependency, only a later one.
"""
import pytest

grimp = pytest.importorskip("grimp", reason="grimp comes with import-linter (pip install -e '.[test]')")

# circles known and not yet broken, each with why; an entry that is no longer a circle must be removed
KNOWN_CIRCLES = {
    # RunConfig checks its task and cell against the specs (registry, imported inside the check) while a spec
    # checks its settings against RunConfig's fields: breaking it means one side stops checking the other
    frozenset({"engine.config", "engine.tasks.registry", "engine.tasks.spec"}),
}


def _circles(graph) -> list[frozenset[str]]:
    """The strongly connected groups of two or more modules (Tarjan's algorithm, iterative)."""
    order, low, on_stack, stack, groups = {}, {}, set(), [], []
    for root in sorted(graph.modules):
        if root in order:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        order[root] = low[root] = len(order)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, imported = work[-1]
            following = next(imported, None)
            if following is not None:
                if following not in order:
                    order[following] = low[following] = len(order)
                    stack.append(following)
                    on_stack.add(following)
                    work.append((following, iter(sorted(graph.find_modules_directly_imported_by(following)))))
                elif following in on_stack:
                    low[module] = min(low[module], order[following])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == order[module]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == module:
                        break
                if len(group) > 1:
                    groups.append(frozenset(group))
    return groups


def _describe(graph, group: frozenset[str]) -> str:
    edges = [f"{a} -> {b}" for a in sorted(group) for b in sorted(graph.find_modules_directly_imported_by(a))
             if b in group]
    return "; ".join(edges)


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("engine", "gui")


def test_engine_and_gui_modules_import_in_no_circle(graph):
    new = [group for group in _circles(graph) if group not in KNOWN_CIRCLES]
    assert not new, "import circles: " + " | ".join(_describe(graph, group) for group in new)


def test_the_known_circles_are_still_circles(graph):
    """A circle that was broken leaves KNOWN_CIRCLES, so the list never excuses a new one."""
    found = set(_circles(graph))
    assert not KNOWN_CIRCLES - found, f"no longer circles, remove them: {KNOWN_CIRCLES - found}"


def test_the_circle_finder_finds_a_circle():
    """The finder itself, on a made-up graph: a -> b -> c -> a is one circle; d only imports into it."""
    fake = grimp.ImportGraph()
    for importer, imported in (("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")):
        fake.add_import(importer=importer, imported=imported)
    assert _circles(fake) == [frozenset({"a", "b", "c"})]
