"""No module of the kiosk imports itself through others: a cycle half-loads a module, and two rooms that need
each other are one room. Every import counts, type-only ones too, but the one named below."""

import grimp

# Screens name the app's class for type checkers only (kiosk/screens/base.py, under TYPE_CHECKING): posting's
# pattern for a typed ``self.app``. It never runs.
TYPE_ONLY = ("kiosk.screens.base", "kiosk.app")


def kiosk_graph() -> grimp.ImportGraph:
    graph = grimp.build_graph("kiosk", cache_dir=None)
    graph.remove_import(importer=TYPE_ONLY[0], imported=TYPE_ONLY[1])
    return graph


def cycles(graph: grimp.ImportGraph) -> list[str]:
    """Each module whose import chain leads back to itself, with that chain."""
    found = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain:
                found.append(" -> ".join((module, *chain)))
    return found


def test_no_kiosk_module_imports_itself_through_others():
    assert cycles(kiosk_graph()) == []


def test_a_cycle_is_found():
    graph = kiosk_graph()
    graph.add_import(importer="kiosk.theme", imported="kiosk.app")  # the app imports the theme
    assert "kiosk.theme -> kiosk.app -> kiosk.theme" in cycles(graph)
