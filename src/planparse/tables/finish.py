"""Main-process table work: cross-page merge, text fallback, roles, typed tasks."""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Line, Restoration, Table, Task, Warning_
from .fixups import fix_numbering
from .flat import rebuild_from_lines
from .flatcells import CellRepair
from .guess import guess_roles
from .merge import merge_pages
from .roles import map_roles
from .tasks import table_tasks
from .title import find_title


def finish(tables: list[Table], lines: Sequence[Line],
           repair: CellRepair | None = None,
           records: list[Restoration] | None = None) -> tuple[list[Table], list[Task], list[Warning_]]:
    """Tables merged across pages (or rebuilt from text when none, cells repaired by `repair`, the rebuild's own
    word changes recorded in `records`), roles from headers, tasks typed."""
    warnings: list[Warning_] = []
    tables = merge_pages(tables)
    tables = [t.model_copy(update={"roles": map_roles(t.headers)}) if t.headers else t for t in tables]
    for k, t in enumerate(tables):
        if t.rows and "task" not in t.roles:
            roles = guess_roles(t.rows)
            if "task" in roles and sum(r is not None for r in roles) >= 3:
                tables[k] = t.model_copy(update={"roles": roles, "confidence": min(t.confidence, 0.7)})
                warnings.append(Warning_(stage="tables", page=t.page,
                                         message="table header not recognised; column roles guessed from cell contents"))
    tables = [fix_numbering(t) for t in tables]
    if not tables:
        rebuilt = rebuild_from_lines(lines, repair, records)
        if rebuilt is not None:
            tables = [rebuilt]
            warnings.append(Warning_(stage="tables", page=rebuilt.page, message=(
                f"no ruled table found; rebuilt a {len(rebuilt.rows)}-row task table from flattened text "
                f"(confidence {rebuilt.confidence:.2f}), check the cells")))
    tables = [t if t.title else t.model_copy(update={"title": find_title(t, lines)}) for t in tables]
    tasks: list[Task] = []
    for i, t in enumerate(tables):
        tasks += table_tasks(t, i)
    return tables, tasks, warnings
