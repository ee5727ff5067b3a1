from typing import Any

def node_scores(
    cp: Any,
    mark: Any,
    parent: Any,
    cp_table: Any,
    uni_q: Any,
    uni_b: Any,
    tables: list[tuple[Any, Any, Any]],
    q: Any,
    longest: Any,
) -> None: ...
