"""No module of the kiosk imports itself through others: a cycle half-loads a module, and two rooms that need
each other are one room. Every import counts, type-only ones too, but two named below."""

import grimp

# Screens name the app's class for type checkers only (kiosk/screens/base.py, under TYPE_CHECKING): posting's
# pattern for a typed ``self.app``. It never runs.
TYPE_ONLY = ("kiosk.screens.base", "kiosk.app")
# The command line's own, reworked on its own branch: kiosk/cli/setup.py imports connect and start_kiosk from its
# package, which imports setup. Take this line out when that goes.
COMMAND_LINE = ("kiosk.cli.setup", "kiosk.cli")


def kiosk_graph() -> grimp.ImportGraph:
    graph = grimp.build_graph("kiosk", cache_dir=None)
    for importer, imported in (TYPE_ONLY, COMMAND_LINE):
        graph.remove_import(importer=importer, imported=imported)
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
